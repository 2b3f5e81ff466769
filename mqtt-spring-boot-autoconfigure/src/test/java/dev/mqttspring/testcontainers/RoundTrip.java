package dev.mqttspring.testcontainers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publish/subscribe round trip through a {@link MqttConnection}.
 */
final class RoundTrip {

	private RoundTrip() {
	}

	static void assertRoundTrip(MqttConnection connection, String expectedServerUri) throws Exception {
		assertThat(connection.getServerUris()).containsExactly(expectedServerUri);
		await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
		String topic = "service-connection/" + UUID.randomUUID();
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
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).containsExactly("hello"));
		connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
	}

}
