package dev.mqttspring.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.observation.MqttListenerObservationConvention;
import dev.mqttspring.observation.ObservationMqttListenerObserver;

/**
 * Auto-configuration of Micrometer observations of listener invocations, opt-in with
 * {@code mqtt.listener.observation-enabled=true}. With Micrometer Tracing, the listener's
 * span continues the trace carried in the message's MQTT 5 user properties.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(after = MqttAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ MqttConnection.class, ObservationRegistry.class })
@ConditionalOnBooleanProperty("mqtt.listener.observation-enabled")
public final class MqttObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationMqttListenerObserver mqttListenerObservationObserver(ObservationRegistry observationRegistry,
			MqttConnection connection, ObjectProvider<MqttListenerObservationConvention> convention) {
		return new ObservationMqttListenerObserver(observationRegistry, connection.getClientId(),
				convention.getIfAvailable());
	}

}
