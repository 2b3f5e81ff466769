package dev.mqttspring.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttNamedConnections;
import dev.mqttspring.autoconfigure.MqttTemplateCustomizer;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.metrics.MqttConnectionMetrics;
import dev.mqttspring.metrics.MqttListenerContainerMetrics;
import dev.mqttspring.metrics.MqttListenerMetrics;
import dev.mqttspring.metrics.MqttMetricsNames;
import dev.mqttspring.metrics.MqttPublishMetrics;

/**
 * Auto-configuration of Micrometer meters for MQTT: the connection's gauge and reconnect
 * counter, the publish timer (an {@code MqttPublishObserver} that {@code MqttTemplate}
 * picks up) and the listener timer and counters.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(after = MqttAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MqttConnection.class, MeterRegistry.class })
public final class MqttMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttConnectionMetrics mqttConnectionMetrics(MqttConnection connection) {
		return new MqttConnectionMetrics(connection,
				Tags.of(MqttMetricsNames.TAG_CONNECTION, MqttNamedConnections.DEFAULT));
	}

	@Bean
	@ConditionalOnMissingBean
	MqttPublishMetrics mqttPublishMetrics(MeterRegistry meterRegistry, MqttConnection connection) {
		return new MqttPublishMetrics(meterRegistry, connection.getClientId(),
				Tags.of(MqttMetricsNames.TAG_CONNECTION, MqttNamedConnections.DEFAULT));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MqttListenerEndpointRegistry.class)
	MqttListenerContainerMetrics mqttListenerContainerMetrics(MqttListenerEndpointRegistry endpointRegistry,
			MqttConnection connection, ObjectProvider<MqttNamedConnections> namedConnections) {
		MqttConnectionTags tags = new MqttConnectionTags(connection, namedConnections, () -> endpointRegistry);
		return new MqttListenerContainerMetrics(endpointRegistry, tags::forContainer);
	}

	@Bean
	@ConditionalOnMissingBean
	MqttListenerMetrics mqttListenerMetrics(MeterRegistry meterRegistry, MqttConnection connection,
			ObjectProvider<MqttNamedConnections> namedConnections,
			ObjectProvider<MqttListenerEndpointRegistry> endpointRegistry) {
		MqttConnectionTags tags = new MqttConnectionTags(connection, namedConnections, endpointRegistry::getIfAvailable);
		return new MqttListenerMetrics(meterRegistry, tags::forListener);
	}

	/**
	 * Meters of the named connections ({@code mqtt.connections.<name>}), tagged with their
	 * name.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(MqttNamedConnections.class)
	static class NamedConnectionsMetricsConfiguration {

		@Bean
		MeterBinder mqttNamedConnectionMetrics(MqttNamedConnections namedConnections) {
			return (registry) -> {
				for (String name : namedConnections.getNames()) {
					new MqttConnectionMetrics(namedConnections.getConnection(name),
							Tags.of(MqttMetricsNames.TAG_CONNECTION, name))
						.bindTo(registry);
				}
			};
		}

		@Bean
		MqttTemplateCustomizer mqttNamedConnectionPublishMetricsCustomizer(ObjectProvider<MeterRegistry> meterRegistry,
				MqttNamedConnections namedConnections) {
			return (template) -> {
				String name = namedConnections.getName(template.getConnection());
				if (name != null && !MqttNamedConnections.DEFAULT.equals(name)) {
					meterRegistry.ifAvailable((registry) -> template.addPublishObserver(new MqttPublishMetrics(registry,
							template.getConnection().getClientId(), Tags.of(MqttMetricsNames.TAG_CONNECTION, name))));
				}
			};
		}

	}

}
