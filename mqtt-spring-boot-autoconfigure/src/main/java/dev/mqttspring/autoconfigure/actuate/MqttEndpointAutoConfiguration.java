package dev.mqttspring.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.actuate.MqttEndpoint;
import dev.mqttspring.actuate.MqttEndpointWebExtension;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttNamedConnections;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;

/**
 * Auto-configuration of the {@code mqtt} Actuator endpoint ({@code /actuator/mqtt}) when
 * it is exposed.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(after = MqttAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(MqttEndpoint.class)
@ConditionalOnBean(MqttConnection.class)
public final class MqttEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MqttEndpoint mqttEndpoint(MqttConnection connection, ObjectProvider<MqttListenerEndpointRegistry> registry,
			ObjectProvider<MqttNamedConnections> namedConnections) {
		MqttNamedConnections named = namedConnections.getIfAvailable();
		if (named == null) {
			return new MqttEndpoint(connection, registry.getIfAvailable());
		}
		return new MqttEndpoint(connection, named::getConnections, registry.getIfAvailable());
	}

	/**
	 * The web extension, when the endpoint is exposed over HTTP.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(endpoint = MqttEndpoint.class, exposure = EndpointExposure.WEB)
	static class MqttEndpointWebExtensionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MqttEndpointWebExtension mqttEndpointWebExtension(MqttEndpoint endpoint) {
			return new MqttEndpointWebExtension(endpoint);
		}

	}

}
