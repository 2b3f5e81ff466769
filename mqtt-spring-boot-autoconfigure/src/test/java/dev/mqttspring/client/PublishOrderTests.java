package dev.mqttspring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The publishes of one thread reach the client library in the order they were made, also
 * while a completion thread sends from the offline buffer: a publish that finds the buffer
 * empty and a free in-flight slot waits until a publish taken from the buffer before it
 * was handed over. Without that, a completion thread that took the buffered message and
 * was descheduled before handing it over let the next publish overtake it (seen against
 * mosquitto as one message on a topic arriving after later ones).
 */
class PublishOrderTests {

	@Test
	void publishFindingTheBufferEmptyWaitsForTheMessageTakenFromItBefore() throws Exception {
		FakeConnection connection = new FakeConnection();
		connection.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
			// a and b take both in-flight slots, c waits in the buffer
			connection.publish(message("a"));
			connection.publish(message("b"));
			connection.publish(message("c"));
			assertThat(connection.handedOver).containsExactly("a", "b");
			// a completes on a client thread, which takes c from the buffer and stops before
			// handing it over
			Thread completion = new Thread(() -> connection.callbacks.get("a").completed(0), "client-completion");
			completion.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> connection.handing.contains("c"));
			// b completes: one slot is free and the buffer is empty
			connection.callbacks.get("b").completed(0);
			Thread publisher = new Thread(() -> connection.publish(message("d")), "application");
			publisher.start();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> connection.handedOver.contains("d") || publisher.getState() == Thread.State.WAITING);
			connection.release.countDown();
			completion.join(10_000);
			publisher.join(10_000);
			assertThat(connection.handedOver).containsExactly("a", "b", "c", "d");
		}
		finally {
			connection.release.countDown();
			connection.stop();
		}
	}

	private static MqttOutboundMessage message(String payload) {
		return new MqttOutboundMessage("order/test", payload.getBytes(StandardCharsets.UTF_8), 1, false,
				MqttMessageProperties.NONE);
	}

	private static MqttConnectionSettings settings() {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setClientId("publish-order");
		settings.setServerUris(List.of("tcp://127.0.0.1:1"));
		settings.setVersion(MqttVersion.V5);
		settings.setMaxInflight(2);
		return settings;
	}

	/**
	 * A connection over a client library that records what it is handed and completes
	 * publishes only when the test says so; handing over "c" waits for {@code release}.
	 */
	static final class FakeConnection {

		final FakeAdapter adapter = new FakeAdapter();

		final DefaultMqttConnection connection = new DefaultMqttConnection(settings(), (callbacks) -> this.adapter);

		final List<String> handedOver = this.adapter.handedOver;

		final List<String> handing = this.adapter.handing;

		final Map<String, MqttClientAdapter.CompletionCallback> callbacks = this.adapter.callbacks;

		final CountDownLatch release = this.adapter.release;

		void start() {
			this.connection.start();
		}

		void stop() {
			this.connection.stop();
		}

		boolean isConnected() {
			return this.connection.isConnected();
		}

		void publish(MqttOutboundMessage message) {
			this.connection.publish(message);
		}

	}

	static final class FakeAdapter extends FakeClientAdapter {

		final List<String> handedOver = new CopyOnWriteArrayList<>();

		final List<String> handing = new CopyOnWriteArrayList<>();

		final Map<String, CompletionCallback> callbacks = new ConcurrentHashMap<>();

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void publish(Object client, MqttOutboundMessage message, CompletionCallback callback) throws Exception {
			String payload = new String(message.payload(), StandardCharsets.UTF_8);
			this.handing.add(payload);
			if (payload.equals("c")) {
				this.release.await(10, TimeUnit.SECONDS);
			}
			this.callbacks.put(payload, callback);
			this.handedOver.add(payload);
		}

	}

}
