package dev.mqttspring.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.hivemq.HiveMQContainer;
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
 * {@code @ServiceConnection} for a {@link HiveMQContainer}; runs where Docker is
 * available and is skipped elsewhere.
 */
@SpringJUnitConfig
@Testcontainers(disabledWithoutDocker = true)
class HiveMqContainerConnectionDetailsFactoryIntegrationTests {

	@Container
	@ServiceConnection
	static final HiveMQContainer hivemq = new HiveMQContainer(DockerImageName.parse("hivemq/hivemq-ce:2025.5"));

	@Autowired
	private MqttConnection connection;

	@Test
	void connectsAndRoundTrips() throws Exception {
		RoundTrip.assertRoundTrip(this.connection, "tcp://" + hivemq.getHost() + ":" + hivemq.getMqttPort());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(MqttAutoConfiguration.class)
	static class TestConfiguration {

	}

}
