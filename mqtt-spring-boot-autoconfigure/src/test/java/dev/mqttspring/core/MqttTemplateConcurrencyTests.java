package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads publishing at once on one connection, against mosquitto on
 * 127.0.0.1:1883 (receive maximum 20 for MQTT 5): every QoS 1 publish is acknowledged
 * exactly once and arrives exactly once, without Paho's "too many publishes in progress".
 * The throughput is logged.
 */
class MqttTemplateConcurrencyTests {

	private static final Log logger = LogFactory.getLog(MqttTemplateConcurrencyTests.class);

	private static final int THREADS = 4;

	private static final int PER_THREAD = 10_000;

	private final TestConnections connections = new TestConnections();

	@AfterEach
	void close() {
		this.connections.close();
	}

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void fourThreadsPublishTenThousandQos1MessagesEachExactlyOnce(MqttVersion version) throws Exception {
		String base = TestConnections.uniqueTopic("load");
		MqttConnection subscriber = this.connections.start(TestConnections.MOSQUITTO, version);
		ConcurrentHashMap<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
		AtomicInteger arrived = new AtomicInteger();
		// the subscriber counts at QoS 0: mosquitto drops QoS 1 messages for a subscriber that falls more than
		// max_queued_messages (1000) behind, which says nothing about the publisher
		subscriber.subscribe(new MqttSubscription(base + "/+", 0, (message) -> {
			arrivals.computeIfAbsent(new String(message.getPayload(), StandardCharsets.UTF_8), (key) -> new AtomicInteger())
				.incrementAndGet();
			arrived.incrementAndGet();
			message.acknowledge();
		}, "load-subscriber")).get(10, TimeUnit.SECONDS);
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, version);
		MqttTemplate template = new MqttTemplate(connection);
		AtomicLong acknowledged = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		ConcurrentHashMap<String, AtomicInteger> completions = new ConcurrentHashMap<>();
		CyclicBarrier barrier = new CyclicBarrier(THREADS);
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		long start;
		try {
			List<Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
			start = System.nanoTime();
			for (int t = 0; t < THREADS; t++) {
				String topic = base + "/" + t;
				String prefix = t + "-";
				results.add(executor.submit(() -> {
					barrier.await(10, TimeUnit.SECONDS);
					List<CompletableFuture<Void>> futures = new ArrayList<>(PER_THREAD);
					for (int i = 0; i < PER_THREAD; i++) {
						String payload = prefix + i;
						futures.add(template.publish(topic, payload, 1, false).whenComplete((ignored, ex) -> {
							completions.computeIfAbsent(payload, (key) -> new AtomicInteger()).incrementAndGet();
							if (ex != null) {
								failed.incrementAndGet();
							}
							else {
								acknowledged.incrementAndGet();
							}
						}));
					}
					return futures;
				}));
			}
			List<CompletableFuture<Void>> all = new ArrayList<>();
			for (Future<List<CompletableFuture<Void>>> result : results) {
				all.addAll(result.get(120, TimeUnit.SECONDS));
			}
			CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		long elapsedNanos = System.nanoTime() - start;
		int total = THREADS * PER_THREAD;
		logger.info(String.format("MQTT %s: %d QoS 1 publishes from %d threads acknowledged in %d ms (%.0f msg/s)",
				version.label(), total, THREADS, TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
				total / (elapsedNanos / 1e9)));
		assertThat(failed).hasValue(0);
		assertThat(acknowledged).hasValue(total);
		assertThat(completions).hasSize(total).allSatisfy((payload, count) -> assertThat(count).hasValue(1));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(arrived.get()).as("messages arrived at the subscriber").isEqualTo(total));
		assertThat(arrivals).hasSize(total).allSatisfy((payload, count) -> assertThat(count).hasValue(1));
		assertThat(arrived).hasValue(total);
		assertThat(connection.getReconnectCount()).isZero();
	}

}
