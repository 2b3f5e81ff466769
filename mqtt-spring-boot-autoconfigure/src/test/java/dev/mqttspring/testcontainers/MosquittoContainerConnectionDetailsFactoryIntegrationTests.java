package dev.mqttspring.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;

/**
 * {@code @ServiceConnection} for a {@code GenericContainer} of {@code eclipse-mosquitto:2};
 * runs where Docker is available and is skipped elsewhere.
 */
@SpringJUnitConfig
@Testcontainers(disabledWithoutDocker = true)
class MosquittoContainerConnectionDetailsFactoryIntegrationTests {

	@Container
	@ServiceConnection
	@SuppressWarnings("resource")
	static final GenericContainer<?> mosquitto = new GenericContainer<>(DockerImageName.parse("eclipse-mosquitto:2"))
		.withExposedPorts(1883)
		.withCommand("mosquitto", "-c", "/mosquitto-no-auth.conf");

	@Autowired
	private MqttConnection connection;

	@Test
	void connectsAndRoundTrips() throws Exception {
		RoundTrip.assertRoundTrip(this.connection, "tcp://" + mosquitto.getHost() + ":" + mosquitto.getMappedPort(1883));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(MqttAutoConfiguration.class)
	static class TestConfiguration {

	}

}
