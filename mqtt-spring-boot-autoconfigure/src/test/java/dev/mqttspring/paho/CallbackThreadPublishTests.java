package dev.mqttspring.paho;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishing from a completion callback (which runs on the client's callback thread) must
 * not block that thread waiting for an in-flight slot: with a full window it would wait
 * for acknowledgements that only that thread can deliver.
 */
class CallbackThreadPublishTests {

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void publishesFromTheCallbackThreadWithAFullWindowComplete(MqttVersion version) throws Exception {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of("tcp://127.0.0.1:1883"));
		settings.setClientId("callback-" + UUID.randomUUID());
		settings.setVersion(version);
		settings.setMaxInflight(5);
		settings.setPublishTimeout(Duration.ofSeconds(60));
		MqttConnection connection = PahoConnections.create(settings);
		((DefaultMqttConnection) connection).start();
		try {
			String topic = "callback/" + UUID.randomUUID();
			List<CompletableFuture<Void>> nested = new CopyOnWriteArrayList<>();
			connection.publish(message(topic)).thenRun(() -> {
				for (int i = 0; i < 200; i++) {
					nested.add(connection.publish(message(topic)));
				}
			}).get(30, TimeUnit.SECONDS);
			assertThat(nested).hasSize(200);
			await().atMost(Duration.ofSeconds(20)).until(() -> nested.stream().allMatch(CompletableFuture::isDone));
			assertThat(nested).allMatch((future) -> !future.isCompletedExceptionally());
		}
		finally {
			((DefaultMqttConnection) connection).stop();
		}
	}

	private static MqttOutboundMessage message(String topic) {
		return new MqttOutboundMessage(topic, new byte[] { 1, 2, 3 }, 1, false, MqttMessageProperties.NONE);
	}

}
