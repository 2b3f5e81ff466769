package dev.mqttspring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.metrics.MqttConnectionMetrics;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The offline buffer against real mosquitto processes, on both client libraries: a publish
 * waits for room while the broker is down (mqtt.template.max-block) and fails only after
 * it; a publish on a client-library thread (delivery, completion callback) never waits; a
 * listener's worker thread waits like any publisher and goes on when the broker returns.
 */
class OfflineBufferIntegrationTests {

	private static final Duration LONG_BLOCK = Duration.ofSeconds(60);

	private final List<MqttConnection> connections = new ArrayList<>();

	private final List<MosquittoBroker> brokers = new ArrayList<>();

	private final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		this.executor.shutdownNow();
		for (int i = this.connections.size() - 1; i >= 0; i--) {
			((SmartLifecycle) this.connections.get(i)).stop();
		}
		this.brokers.forEach(MosquittoBroker::close);
	}

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void publishWaitsForRoomWhileTheBrokerIsDownAndGoesOnWhenItReturns(String library) throws Exception {
		MosquittoBroker broker = broker();
		MqttConnection connection = start(library, broker, (settings) -> {
			settings.setOfflineBufferSize(2);
			settings.setPublishMaxBlock(LONG_BLOCK);
		});
		MqttTemplate template = new MqttTemplate(connection);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new MqttConnectionMetrics(connection).bindTo(registry);
		String topic = topic();
		broker.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isConnected());
		List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
		futures.add(template.publish(topic, "1"));
		futures.add(template.publish(topic, "2"));
		assertThat(connection.getBufferedMessages()).isEqualTo(2);
		assertThat(connection.getBufferedBytes()).isEqualTo(2 * (1 + topic.length()));
		String clientId = connection.getClientId();
		assertThat(registry.get("mqtt.client.buffer.messages").tag("client.id", clientId).gauge().value()).isEqualTo(2);
		assertThat(registry.get("mqtt.client.buffer.bytes").tag("client.id", clientId).gauge().value())
			.isEqualTo(2 * (1 + topic.length()));
		AtomicReference<Thread> publisher = new AtomicReference<>();
		Future<?> third = this.executor.submit(() -> {
			publisher.set(Thread.currentThread());
			futures.add(template.publish(topic, "3"));
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> publisher.get() != null && publisher.get().getState() == Thread.State.TIMED_WAITING);
		assertThat(third).isNotDone();
		assertThat(futures).hasSize(2).allSatisfy((future) -> assertThat(future).isNotDone());
		broker.start();
		third.get(20, TimeUnit.SECONDS);
		CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
		assertThat(futures).hasSize(3);
		assertThat(connection.getBufferedMessages()).isZero();
		assertThat(connection.getBufferedBytes()).isZero();
		assertThat(connection.getBlockedPublishCount()).isEqualTo(1);
		assertThat(connection.getBlockedPublishNanos()).isPositive();
		FunctionTimer blocked = registry.get("mqtt.publish.blocked").tag("client.id", clientId).functionTimer();
		assertThat(blocked.count()).isEqualTo(1);
		assertThat(blocked.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(connection.getBlockedPublishNanos());
		assertThat(registry.get("mqtt.client.buffer.messages").gauge().value()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void publishFailsAfterMaxBlockNamingTheProperty(String library) throws Exception {
		MosquittoBroker broker = broker();
		MqttConnection connection = start(library, broker, (settings) -> {
			settings.setOfflineBufferSize(1);
			settings.setPublishMaxBlock(Duration.ofMillis(200));
		});
		MqttTemplate template = new MqttTemplate(connection);
		String topic = topic();
		broker.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isConnected());
		CompletableFuture<Void> buffered = template.publish(topic, "1");
		long start = System.nanoTime();
		CompletableFuture<Void> overflow = template.publish(topic, "2");
		assertThat(System.nanoTime() - start).as("waited for room").isGreaterThanOrEqualTo(
				TimeUnit.MILLISECONDS.toNanos(200));
		assertThatThrownBy(() -> overflow.get(5, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MqttDeliveryException.class)
			.hasMessageContaining("is not connected")
			.hasMessageContaining("its offline buffer stayed full for 200 ms (mqtt.template.max-block)")
			.hasMessageContaining("Raise mqtt.template.max-block or mqtt.offline-buffer-memory");
		broker.start();
		buffered.get(20, TimeUnit.SECONDS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void publishOnClientLibraryThreadsNeverWaits(String library) throws Exception {
		MosquittoBroker up = broker();
		MosquittoBroker down = broker();
		MqttConnection source = start(library, up, (settings) -> {
		});
		MqttConnection target = start(library, down, (settings) -> {
			settings.setOfflineBufferSize(1);
			settings.setPublishMaxBlock(LONG_BLOCK);
		});
		MqttTemplate sourceTemplate = new MqttTemplate(source);
		MqttTemplate targetTemplate = new MqttTemplate(target);
		String targetTopic = topic();
		down.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !target.isConnected());
		List<CompletableFuture<Void>> forwarded = new CopyOnWriteArrayList<>();
		forwarded.add(targetTemplate.publish(targetTopic, "fills the buffer"));
		// a handler on the delivery thread (the client's callback thread, HiveMQ's Netty thread)
		String sourceTopic = topic();
		source.subscribe(new MqttSubscription(sourceTopic, 1, (MqttInboundMessage message) -> {
			forwarded.add(targetTemplate.publish(targetTopic, new String(message.getPayload(), StandardCharsets.UTF_8)));
			message.acknowledge();
		}, "forwarder")).get(10, TimeUnit.SECONDS);
		sourceTemplate.publish(sourceTopic, "from the delivery thread").get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> forwarded.size() == 2);
		// a completion callback: the publish completes after a reconnect, so its callback runs
		// on the client's thread, not on this one
		up.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !source.isConnected());
		AtomicReference<Thread> callbackThread = new AtomicReference<>();
		CompletableFuture<Void> chained = sourceTemplate.publish(topic(), "x").thenRun(() -> {
			callbackThread.set(Thread.currentThread());
			forwarded.add(targetTemplate.publish(targetTopic, "from a completion callback"));
		});
		up.start();
		chained.get(20, TimeUnit.SECONDS);
		assertThat(callbackThread.get()).isNotSameAs(Thread.currentThread());
		assertThat(forwarded).hasSize(3).allSatisfy((future) -> assertThat(future).isNotDone());
		assertThat(target.getBufferedMessages()).as("buffered beyond the bound of 1").isEqualTo(3);
		assertThat(target.getBlockedPublishCount()).isZero();
		// the client-library threads are free: the source goes on
		sourceTemplate.publish(topic(), "after").get(10, TimeUnit.SECONDS);
		down.start();
		CompletableFuture.allOf(forwarded.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void listenerWorkerWaitsForRoomAndGoesOnWhenTheBrokerReturns(String library) throws Exception {
		MosquittoBroker up = broker();
		MosquittoBroker down = broker();
		MqttConnection source = start(library, up, (settings) -> {
		});
		MqttConnection target = start(library, down, (settings) -> {
			settings.setOfflineBufferSize(1);
			settings.setPublishMaxBlock(LONG_BLOCK);
		});
		MqttTemplate targetTemplate = new MqttTemplate(target);
		String targetTopic = topic();
		String sourceTopic = topic();
		List<CompletableFuture<Void>> forwarded = new CopyOnWriteArrayList<>();
		DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(source, "forwarder",
				List.of(sourceTopic), 1, null, (message) -> forwarded
					.add(targetTemplate.publish(targetTopic, new String(message.getPayload(), StandardCharsets.UTF_8))));
		container.start();
		try {
			down.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !target.isConnected());
			MqttTemplate sourceTemplate = new MqttTemplate(source);
			for (int i = 0; i < 3; i++) {
				sourceTemplate.publish(sourceTopic, "m" + i).get(10, TimeUnit.SECONDS);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> target.getBufferedMessages() == 1);
			assertThat(forwarded).hasSize(1);
			down.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> forwarded.size() == 3);
			CompletableFuture.allOf(forwarded.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
			assertThat(target.getBlockedPublishCount()).isPositive();
		}
		finally {
			container.stop();
		}
	}

	private MosquittoBroker broker() {
		MosquittoBroker broker = MosquittoBroker.builder().start();
		this.brokers.add(broker);
		return broker;
	}

	private MqttConnection start(String library, MosquittoBroker broker, Consumer<MqttConnectionSettings> customizer) {
		MqttConnection connection = LibraryConnections.create(library, broker.url(),
				"buffer-test-" + UUID.randomUUID().toString().substring(0, 8), customizer);
		this.connections.add(connection);
		((SmartLifecycle) connection).start();
		return connection;
	}

	private static String topic() {
		return "buffer/" + UUID.randomUUID();
	}

}
