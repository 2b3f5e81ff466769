package dev.mqttspring.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.health.StubMqttConnection;
import dev.mqttspring.observation.ObservationMqttListenerObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttObservationAutoConfiguration}.
 */
class MqttObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttObservationAutoConfiguration.class))
		.withBean(MqttConnection.class, StubMqttConnection::new)
		.withBean(ObservationRegistry.class, ObservationRegistry::create);

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ObservationMqttListenerObserver.class));
	}

	@Test
	void listenerObservationIsOptIn() {
		this.runner.withPropertyValues("mqtt.listener.observation-enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(ObservationMqttListenerObserver.class));
	}

	@Test
	void backsOffWithoutAnObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttObservationAutoConfiguration.class))
			.withBean(MqttConnection.class, StubMqttConnection::new)
			.withPropertyValues("mqtt.listener.observation-enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationMqttListenerObserver.class));
	}

	@Test
	void backsOffWithoutMicrometerObservation() {
		this.runner.withPropertyValues("mqtt.listener.observation-enabled=true")
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationMqttListenerObserver.class));
	}

}
