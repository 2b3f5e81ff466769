package dev.mqttspring.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttConnectionDetails;
import dev.mqttspring.core.MqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} details of a (never started) {@code eclipse-mosquitto}
 * container that maps port 1883 to the system mosquitto on 127.0.0.1:1883 drive the
 * auto-configured connection to that real broker, with no Docker involved.
 */
class MqttServiceConnectionIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class, MqttAutoConfiguration.class));

	@Test
	void serviceConnectionDrivesConnectionToBroker() {
		this.runner.withUserConfiguration(SystemMosquittoConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionDetails.class);
			RoundTrip.assertRoundTrip(context.getBean(MqttConnection.class), "tcp://127.0.0.1:1883");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class SystemMosquittoConfiguration {

		@ServiceConnection
		static final GenericContainer<?> mosquitto = NotStartedContainers.generic("eclipse-mosquitto:2", "127.0.0.1",
				1883);

	}

}
