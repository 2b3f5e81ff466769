package dev.mqttspring.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;

/**
 * Listener concurrency: 64 devices (one raw HiveMQ client and topic each) publish QoS 1
 * messages to one {@code @MqttSubscribe(concurrency = ...)} method of the starter (HiveMQ
 * backend, default acknowledgement) that works 5 ms per message. The number of messages
 * per concurrency is sized for about the same duration; throughput = messages / (last
 * processed - first publish).
 */
final class ConcurrencyBenchmark {

	static final int DEVICES = 64;

	static final int WORK_MILLIS = 5;

	private final Broker broker;

	private final List<Integer> concurrencies;

	private final boolean virtualThreads;

	private final double seconds;

	private final int runs;

	ConcurrencyBenchmark(Broker broker, List<Integer> concurrencies, boolean virtualThreads, double seconds, int runs) {
		this.broker = broker;
		this.concurrencies = concurrencies;
		this.virtualThreads = virtualThreads;
		this.seconds = seconds;
		this.runs = runs;
	}

	List<ConcurrencyResult> run() {
		List<ConcurrencyResult> results = new ArrayList<>();
		for (int concurrency : this.concurrencies) {
			// enough messages for about the given duration at the ideal rate, at least 10 per device
			int perDevice = (int) Math.max(10, Math.ceil(this.seconds * concurrency * 1000.0 / WORK_MILLIS / DEVICES));
			int messages = perDevice * DEVICES;
			List<Double> rates = new ArrayList<>();
			int maxActive = 0;
			String error = null;
			for (int run = 0; run < this.runs && error == null; run++) {
				try {
					Run result = runOnce(concurrency, perDevice);
					rates.add(result.messagesPerSecond());
					maxActive = Math.max(maxActive, result.maxActive());
					System.err.printf("[bench] concurrency %d run %d: %,.0f msg/s, at most %d at once%n", concurrency,
							run + 1, result.messagesPerSecond(), result.maxActive());
				}
				catch (Exception ex) {
					error = ex.toString();
				}
			}
			Stats stats = Stats.of(rates);
			results.add(new ConcurrencyResult(concurrency, this.virtualThreads, DEVICES, messages, WORK_MILLIS,
					stats.median(), stats.min(), stats.max(), maxActive, error));
		}
		return results;
	}

	private Run runOnce(int concurrency, int perDevice) throws Exception {
		String topic = "bench/concurrency/" + ClientIds.next("run");
		SlowListener listener = new SlowListener();
		ConfigurableApplicationContext context = StarterContender
			.application(this.broker, ConcurrencyApplication.class, listener, "bench.topic=" + topic + "/+",
					"bench.concurrency=" + concurrency, "spring.threads.virtual.enabled=" + this.virtualThreads)
			.run();
		List<Mqtt5AsyncClient> devices = new ArrayList<>();
		try {
			StarterContender.awaitSubscriptions(context.getBean(MqttConnection.class), 1, 10_000);
			for (int i = 0; i < DEVICES; i++) {
				Mqtt5AsyncClient client = MqttClient.builder()
					.useMqttVersion5()
					.identifier(ClientIds.next("device"))
					.serverHost(this.broker.host())
					.serverPort(this.broker.port())
					.buildAsync();
				client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
				devices.add(client);
			}
			int total = perDevice * DEVICES;
			long start = System.nanoTime();
			List<CompletableFuture<?>> futures = new ArrayList<>(total);
			for (int i = 0; i < perDevice; i++) {
				for (int d = 0; d < DEVICES; d++) {
					futures.add(devices.get(d)
						.publishWith()
						.topic(topic + "/" + d)
						.qos(MqttQos.AT_LEAST_ONCE)
						.payload(Integer.toString(i).getBytes(StandardCharsets.US_ASCII))
						.send());
				}
			}
			CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
			while (listener.processed.get() < total) {
				if (System.nanoTime() > deadline) {
					throw new TimeoutException("Only " + listener.processed.get() + " of " + total + " processed");
				}
				Thread.sleep(2);
			}
			double seconds = (listener.lastProcessed.get() - start) / 1e9;
			return new Run(total / seconds, listener.maxActive.get());
		}
		finally {
			for (Mqtt5AsyncClient client : devices) {
				try {
					client.disconnect().get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// the run is over
				}
			}
			context.close();
		}
	}

	private record Run(double messagesPerSecond, int maxActive) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ConcurrencyApplication {

		@Bean
		SlowListenerBean slowListener(SlowListener benchmarkSink) {
			return new SlowListenerBean(benchmarkSink);
		}

	}

	/**
	 * What the listener counts.
	 */
	static final class SlowListener {

		final AtomicInteger processed = new AtomicInteger();

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger maxActive = new AtomicInteger();

		final AtomicLong lastProcessed = new AtomicLong();

	}

	/**
	 * The listener: 5 ms of work (a database write, an HTTP call) per message.
	 */
	public static class SlowListenerBean {

		private final SlowListener counts;

		SlowListenerBean(SlowListener counts) {
			this.counts = counts;
		}

		@MqttSubscribe(topics = "${bench.topic}", id = "slow", concurrency = "${bench.concurrency}")
		public void onMessage(byte[] payload) throws InterruptedException {
			int now = this.counts.active.incrementAndGet();
			this.counts.maxActive.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(WORK_MILLIS);
			}
			finally {
				this.counts.active.decrementAndGet();
			}
			this.counts.lastProcessed.accumulateAndGet(System.nanoTime(), Math::max);
			this.counts.processed.incrementAndGet();
		}

	}

}
