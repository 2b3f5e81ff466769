package dev.mqttspring.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.metrics.MqttConnectionMetrics;
import dev.mqttspring.metrics.MqttListenerContainerMetrics;
import dev.mqttspring.metrics.MqttListenerMetrics;
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
		return new MqttConnectionMetrics(connection);
	}

	@Bean
	@ConditionalOnMissingBean
	MqttPublishMetrics mqttPublishMetrics(MeterRegistry meterRegistry, MqttConnection connection) {
		return new MqttPublishMetrics(meterRegistry, connection.getClientId());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(MqttListenerEndpointRegistry.class)
	MqttListenerContainerMetrics mqttListenerContainerMetrics(MqttListenerEndpointRegistry endpointRegistry,
			MqttConnection connection) {
		return new MqttListenerContainerMetrics(endpointRegistry, connection.getClientId());
	}

	@Bean
	@ConditionalOnMissingBean
	MqttListenerMetrics mqttListenerMetrics(MeterRegistry meterRegistry, MqttConnection connection) {
		return new MqttListenerMetrics(meterRegistry, connection.getClientId());
	}

}
