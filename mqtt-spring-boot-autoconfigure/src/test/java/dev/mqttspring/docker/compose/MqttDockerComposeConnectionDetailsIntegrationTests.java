package dev.mqttspring.docker.compose;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttConnectionDetails;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Docker Compose connection details for an {@code eclipse-mosquitto} service whose port
 * 1883 is published as 1883 (stubbed: the system mosquitto on 127.0.0.1:1883 plays the
 * service) drive the auto-configured connection to that real broker.
 */
class MqttDockerComposeConnectionDetailsIntegrationTests {

	@Test
	void composeServiceDrivesConnectionToBroker() {
		TestRunningService service = TestRunningService.of("eclipse-mosquitto:2", "127.0.0.1", 1883, 1883);
		MqttConnectionDetails details = (MqttConnectionDetails) new ConnectionDetailsFactories(
				getClass().getClassLoader())
			.getConnectionDetails(service.toSource(new MockEnvironment()), true)
			.get(MqttConnectionDetails.class);
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withBean(MqttConnectionDetails.class, () -> details)
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getServerUris()).containsExactly("tcp://127.0.0.1:1883");
				await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
				String topic = "docker-compose/" + UUID.randomUUID();
				List<String> received = new CopyOnWriteArrayList<>();
				MqttSubscription subscription = new MqttSubscription(topic, 1, (message) -> {
					received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
					message.acknowledge();
				}, "test");
				assertThat(connection.subscribe(subscription).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
				connection
					.publish(new MqttOutboundMessage(topic, "hello".getBytes(StandardCharsets.UTF_8), 1, false,
							MqttMessageProperties.NONE))
					.get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(received).containsExactly("hello"));
			});
	}

}
