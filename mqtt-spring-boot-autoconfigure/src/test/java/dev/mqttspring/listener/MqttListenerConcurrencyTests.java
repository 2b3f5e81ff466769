package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @MqttSubscribe(concurrency)} against mosquitto on both client libraries: topics
 * are processed in parallel and each topic in publish order; a message that fails (or
 * hangs) does not stop the other keys; stopping the listener drains all workers, and
 * every message is acknowledged (nothing is redelivered to the kept session).
 */
class MqttListenerConcurrencyTests {

	private static final int TOPICS = 8;

	/**
	 * A broker whose in-flight window (announced as Receive Maximum) holds everything a test
	 * publishes: the publishing connection sends each message at once, and with
	 * {@code ack-mode=processed} the listener's in-order acknowledgements do not make the
	 * broker wait (the window limit is the subject of the guide, not of these tests).
	 */
	private static MosquittoBroker broker() {
		return MosquittoBroker.builder().maxInflightMessages(1000).start();
	}

	private static final int PER_TOPIC = 50;

	static Stream<Arguments> librariesAndAckModes() {
		return Stream.of(Arguments.of("hivemq", ""), Arguments.of("hivemq", "processed"), Arguments.of("paho", ""),
				Arguments.of("paho", "received"));
	}

	/**
	 * 8 topics x 50 messages of 20 ms work (8 s one at a time) with concurrency 8: several
	 * messages are processed at the same time, and each topic's in publish order.
	 */
	@ParameterizedTest(name = "{0}, ack-mode {1}")
	@MethodSource("librariesAndAckModes")
	void processesTopicsInParallelAndEachTopicInOrder(String library, String ackMode) {
		try (MosquittoBroker broker = broker()) {
			String prefix = ListenerTestSupport.prefix();
			runner(broker, library, prefix).withPropertyValues("test.concurrency=8", "test.work-millis=20")
				.withPropertyValues(ackMode.isEmpty() ? new String[0] : new String[] { "mqtt.listener.ack-mode=" + ackMode })
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Work work = context.getBean(Work.class);
					MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
						.getListenerContainer("work");
					assertThat(container.getConcurrency()).isEqualTo(8);
					long start = System.nanoTime();
					publishInterleaved(broker, prefix, TOPICS, PER_TOPIC);
					await().atMost(Duration.ofSeconds(60)).until(() -> work.processed.get() == TOPICS * PER_TOPIC);
					long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					System.out.println("CONCURRENCY " + library + " ack-mode " + ((DefaultMqttListenerContainer) container)
						.getAckMode() + ": " + TOPICS * PER_TOPIC + " messages of 20 ms in " + millis
							+ " ms (one at a time: " + TOPICS * PER_TOPIC * 20 + " ms), at most " + work.maxActive.get()
							+ " at the same time");
					assertThat(work.maxActive.get()).as("messages processed at the same time").isGreaterThanOrEqualTo(4)
						.isLessThanOrEqualTo(8);
					for (int t = 0; t < TOPICS; t++) {
						assertThat(work.order(prefix + "/t/" + t)).as("order on topic %d", t)
							.containsExactlyElementsOf(IntStream.range(0, PER_TOPIC).boxed().toList());
					}
					await().atMost(ListenerTestSupport.timeout()).until(() -> container.getActiveCount() == 0);
					assertThat(container.getProcessedCount()).isEqualTo(TOPICS * PER_TOPIC);
				});
		}
	}

	/**
	 * The first message of one topic hangs and then fails: the other topics' messages are
	 * all processed meanwhile, and the failing topic continues in order afterwards.
	 */
	@ParameterizedTest(name = "{0}, ack-mode {1}")
	@MethodSource("librariesAndAckModes")
	void failingMessageDoesNotStopOtherKeys(String library, String ackMode) {
		// with ack-mode processed, acknowledgements wait in arrival order behind the hanging
		// message: the broker's in-flight window must hold the other topics' messages
		try (MosquittoBroker broker = broker()) {
			String prefix = ListenerTestSupport.prefix();
			runner(broker, library, prefix).withPropertyValues("test.concurrency=4", "test.work-millis=5")
				.withPropertyValues(ackMode.isEmpty() ? new String[0] : new String[] { "mqtt.listener.ack-mode=" + ackMode })
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Work work = context.getBean(Work.class);
					String bad = prefix + "/t/0";
					work.hang.put(bad + "#0", new CountDownLatch(1));
					MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
						.getListenerContainer("work");
					publishInterleaved(broker, prefix, 4, 20);
					await().atMost(Duration.ofSeconds(30)).until(() -> work.processed.get() == 3 * 20);
					assertThat(work.order(bad)).isEmpty();
					assertThat(container.getActiveCount()).isEqualTo(1);
					work.hang.get(bad + "#0").countDown();
					await().atMost(Duration.ofSeconds(30)).until(() -> work.processed.get() == 4 * 20 - 1);
					assertThat(work.order(bad)).containsExactlyElementsOf(IntStream.range(1, 20).boxed().toList());
					assertThat(container.getFailedCount()).isEqualTo(1);
				});
		}
	}

	/**
	 * Stopping the listener while 4 workers are busy and messages wait: every message is
	 * processed to its end before {@code stop()} returns, and all of them were acknowledged:
	 * when the application connects again with the same session, the first message it gets
	 * is one published afterwards.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("libraries")
	void stopDrainsAllWorkersAndAcknowledgesEveryMessage(String library) {
		try (MosquittoBroker broker = broker()) {
			String prefix = ListenerTestSupport.prefix();
			String clientId = "drain-" + UUID.randomUUID().toString().substring(0, 8);
			ApplicationContextRunner runner = runner(broker, library, prefix).withPropertyValues("test.concurrency=4",
					"test.work-millis=200", "mqtt.listener.ack-mode=processed", "mqtt.client-id=" + clientId,
					"mqtt.clean-start=false", "mqtt.session-expiry=5m", "mqtt.listener.shutdown-timeout=30s");
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				Work work = context.getBean(Work.class);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("work");
				publishInterleaved(broker, prefix, 4, 5);
				await().atMost(ListenerTestSupport.timeout()).until(() -> container.getActiveCount() == 4);
				container.stop();
				assertThat(work.started.get()).isEqualTo(20);
				assertThat(work.processed.get()).isEqualTo(20);
				assertThat(work.active.get()).isZero();
				assertThat(container.getQueueSize()).isZero();
				assertThat(container.getActiveCount()).isZero();
			});
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				Work work = context.getBean(Work.class);
				publish(broker, prefix + "/t/0", "marker");
				await().atMost(ListenerTestSupport.timeout()).until(() -> work.started.get() > 0);
				await().atMost(ListenerTestSupport.timeout()).until(() -> work.processed.get() == 1);
				assertThat(work.payloads).containsExactly("marker");
			});
			runner.withPropertyValues("mqtt.clean-start=true", "mqtt.session-expiry=0").run((context) -> {
			});
		}
	}

	static Stream<String> libraries() {
		return Stream.of("hivemq", "paho");
	}

	/**
	 * Messages are ordered by a topic variable: the two sub-topics of a device share one
	 * order, and different devices run in parallel.
	 */
	@Test
	void ordersByTopicVariable() {
		try (MosquittoBroker broker = broker()) {
			String prefix = ListenerTestSupport.prefix();
			runner(broker, "hivemq", prefix).withPropertyValues("test.concurrency=4", "test.work-millis=10")
				.withUserConfiguration(DeviceListener.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					DeviceListener devices = context.getBean(DeviceListener.class);
					List<CompletableFuture<Void>> futures = new ArrayList<>();
					MqttConnection client = ListenerTestSupport.client(broker.url(), "5");
					try {
						for (int i = 0; i < 20; i++) {
							for (int d = 0; d < 4; d++) {
								String sub = (i % 2 == 0) ? "a" : "b";
								futures.add(client.publish(new MqttOutboundMessage(prefix + "/devices/d" + d + "/" + sub,
										String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false,
										MqttMessageProperties.NONE)));
							}
						}
						CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
					}
					finally {
						ListenerTestSupport.close(client);
					}
					await().atMost(Duration.ofSeconds(30)).until(() -> devices.count.get() == 80);
					for (int d = 0; d < 4; d++) {
						assertThat(devices.order.get("d" + d)).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
					}
					assertThat(devices.maxActive.get()).isGreaterThan(1);
					assertThat(devices.maxPerDevice.get()).isEqualTo(1);
				});
		}
	}

	private static ApplicationContextRunner runner(MosquittoBroker broker, String library, String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=5", "mqtt.client-library=" + library,
					"mqtt.fail-fast=true", "test.prefix=" + prefix, "mqtt.listener.shutdown-timeout=5s")
			.withUserConfiguration(WorkConfiguration.class);
	}

	private static void publishInterleaved(MosquittoBroker broker, String prefix, int topics, int perTopic) throws Exception {
		MqttConnection client = ListenerTestSupport.client(broker.url(), "5");
		try {
			List<CompletableFuture<Void>> futures = new ArrayList<>();
			for (int i = 0; i < perTopic; i++) {
				for (int t = 0; t < topics; t++) {
					futures.add(client.publish(new MqttOutboundMessage(prefix + "/t/" + t,
							String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false, MqttMessageProperties.NONE)));
				}
			}
			CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
		}
		finally {
			ListenerTestSupport.close(client);
		}
	}

	private static void publish(MosquittoBroker broker, String topic, String payload) {
		MqttConnection client = ListenerTestSupport.client(broker.url(), "5");
		try {
			ListenerTestSupport.publish(client, topic, payload);
		}
		finally {
			ListenerTestSupport.close(client);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class WorkConfiguration {

		@Bean
		Work work(@Value("${test.work-millis:20}") long workMillis) {
			return new Work(workMillis);
		}

	}

	static class Work {

		final long workMillis;

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger maxActive = new AtomicInteger();

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger processed = new AtomicInteger();

		final Map<String, List<Integer>> orders = new ConcurrentHashMap<>();

		final Map<String, CountDownLatch> hang = new ConcurrentHashMap<>();

		final List<String> payloads = new CopyOnWriteArrayList<>();

		Work(long workMillis) {
			this.workMillis = workMillis;
		}

		@MqttSubscribe(id = "work", topics = "${test.prefix}/t/+", concurrency = "${test.concurrency}")
		void onMessage(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) throws Exception {
			this.started.incrementAndGet();
			int now = this.active.incrementAndGet();
			this.maxActive.accumulateAndGet(now, Math::max);
			try {
				this.payloads.add(payload);
				CountDownLatch latch = this.hang.get(topic + "#" + payload);
				if (latch != null) {
					latch.await(30, TimeUnit.SECONDS);
					throw new IllegalStateException("Failing on purpose: " + topic + " #" + payload);
				}
				// the work: a database write, an HTTP call
				Thread.sleep(this.workMillis);
				if (!payload.equals("marker")) {
					order(topic).add(Integer.parseInt(payload));
				}
				this.processed.incrementAndGet();
			}
			finally {
				this.active.decrementAndGet();
			}
		}

		List<Integer> order(String topic) {
			return this.orders.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>());
		}

	}

	static class DeviceListener {

		final AtomicInteger count = new AtomicInteger();

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger maxActive = new AtomicInteger();

		final AtomicInteger maxPerDevice = new AtomicInteger();

		final Map<String, AtomicInteger> perDevice = new ConcurrentHashMap<>();

		final Map<String, List<Integer>> order = new ConcurrentHashMap<>();

		@MqttSubscribe(id = "devices", topics = "${test.prefix}/devices/{device}/+", concurrency = "${test.concurrency}",
				orderingKey = "{device}")
		void onMessage(String payload, @TopicVariable("device") String device) throws InterruptedException {
			int now = this.active.incrementAndGet();
			this.maxActive.accumulateAndGet(now, Math::max);
			AtomicInteger mine = this.perDevice.computeIfAbsent(device, (key) -> new AtomicInteger());
			this.maxPerDevice.accumulateAndGet(mine.incrementAndGet(), Math::max);
			try {
				Thread.sleep(10);
				this.order.computeIfAbsent(device, (key) -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(payload));
				this.count.incrementAndGet();
			}
			finally {
				mine.decrementAndGet();
				this.active.decrementAndGet();
			}
		}

	}

}
