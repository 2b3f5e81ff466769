package dev.mqttspring.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.metrics.MqttConnectionMetrics;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durable outbox on a connection against a real mosquitto, both client libraries: QoS
 * 1/2 publishes still waiting when the application stops gracefully stay in the outbox and
 * are sent at the next start (their futures say so); QoS 0 publishes are not kept; the
 * bound fails a publish at once naming the property; the meters.
 */
class OutboxIntegrationTests {

	private final List<MqttConnection> connections = new ArrayList<>();

	private final List<DefaultMqttListenerContainer> containers = new ArrayList<>();

	@TempDir
	Path outbox;

	@AfterEach
	void close() {
		this.containers.forEach(DefaultMqttListenerContainer::stop);
		for (int i = this.connections.size() - 1; i >= 0; i--) {
			((SmartLifecycle) this.connections.get(i)).stop();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void publishesStillWaitingAtAGracefulStopAreSentAtTheNextStart(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String topic = "outbox/" + UUID.randomUUID();
			List<String> received = new CopyOnWriteArrayList<>();
			subscribe(library, broker, topic, received);
			String clientId = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
			MqttConnection first = start(library, broker, clientId, 1L << 20);
			MqttTemplate template = new MqttTemplate(first);
			template.publish(topic, "acknowledged", 1, false).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(5)).until(() -> first.getOutboxMessages() == 0);
			broker.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !first.isConnected());
			List<CompletableFuture<Void>> waiting = new ArrayList<>();
			for (String payload : List.of("q1", "q2")) {
				waiting.add(template.publish(topic, payload, 1, false));
			}
			template.publish(topic, "q0", 0, false);
			assertThat(first.getOutboxMessages()).as("QoS 0 is not kept").isEqualTo(2);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new MqttConnectionMetrics(first).bindTo(registry);
			assertThat(registry.get("mqtt.outbox.messages").gauge().value()).isEqualTo(2);
			assertThat(registry.get("mqtt.outbox.bytes").gauge().value()).isPositive();
			((SmartLifecycle) first).stop();
			broker.start();
			for (CompletableFuture<Void> future : waiting) {
				assertThat(future).failsWithin(Duration.ofSeconds(10))
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.withCauseInstanceOf(MqttDeliveryException.class)
					.withMessageContaining("stays in the outbox and is sent at the next start");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.containers.get(0).getSubscriptionResults().stream()
				.allMatch((result) -> result.isGranted()) && this.connections.get(0).isConnected());
			assertThat(received).containsExactly("acknowledged");
			MqttConnection second = start(library, broker, clientId, 1L << 20);
			await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("q1") && received.contains("q2"));
			await().atMost(Duration.ofSeconds(10)).until(() -> second.getOutboxMessages() == 0);
			assertThat(second.getOutboxReplayed()).isEqualTo(2);
			SimpleMeterRegistry secondRegistry = new SimpleMeterRegistry();
			new MqttConnectionMetrics(second).bindTo(secondRegistry);
			assertThat(secondRegistry.get("mqtt.outbox.replayed").functionCounter().count()).isEqualTo(2);
			assertThat(received).containsExactly("acknowledged", "q1", "q2");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq" })
	void publishBeyondTheOutboxBoundFailsAtOnceNamingTheProperty(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			MqttConnection connection = start(library, broker, "outbox-full-" + UUID.randomUUID().toString().substring(0, 8),
					2_048);
			MqttTemplate template = new MqttTemplate(connection);
			broker.pause();
			CompletableFuture<Void> kept = template.publish("outbox/full", new byte[1_500], 1, false);
			CompletableFuture<Void> refused = template.publish("outbox/full", new byte[1_500], 1, false);
			assertThat(refused).failsWithin(Duration.ofSeconds(1))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withMessageContaining("mqtt.outbox.max-size=2048 bytes")
				.withMessageContaining("'outbox/full'");
			broker.resume();
			kept.get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(5)).until(() -> connection.getOutboxMessages() == 0);
		}
	}

	private void subscribe(String library, MosquittoBroker broker, String topic, List<String> received) {
		MqttConnection subscriber = start(library, broker, "outbox-sub-" + UUID.randomUUID().toString().substring(0, 8), 0);
		DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(subscriber, "outbox-listener",
				List.of(topic), 1, null, (message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
		container.start();
		this.containers.add(container);
	}

	private MqttConnection start(String library, MosquittoBroker broker, String clientId, long outboxBytes) {
		MqttConnection connection = LibraryConnections.create(library, broker.url(), clientId, (settings) -> {
			settings.setShutdownTimeout(Duration.ofMillis(500));
			if (outboxBytes > 0) {
				settings.setOutboxDirectory(this.outbox);
				settings.setOutboxMaxSize(outboxBytes);
			}
		});
		this.connections.add(connection);
		((SmartLifecycle) connection).start();
		return connection;
	}

}
