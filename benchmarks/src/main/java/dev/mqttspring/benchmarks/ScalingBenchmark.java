package dev.mqttspring.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;

/**
 * Start-up time, heap after start-up and dispatch throughput of a Spring Boot application
 * with 1, 10, 100 and 1,000 generated {@code @MqttSubscribe} methods on distinct filters;
 * the publisher ({@link MqttTemplate} in the same application) sends QoS 1, 100 B messages
 * to a topic only one listener matches.
 */
final class ScalingBenchmark {

	private final Broker broker;

	private final List<Integer> counts;

	private final int messages;

	private final int runs;

	ScalingBenchmark(Broker broker, List<Integer> counts, int messages, int runs) {
		this.broker = broker;
		this.counts = counts;
		this.messages = messages;
		this.runs = runs;
	}

	List<ScalingResult> run() throws Exception {
		Path directory = Files.createTempDirectory("mqtt-bench-listeners");
		List<ScalingResult> results = new ArrayList<>();
		try {
			for (int count : this.counts) {
				ScalingResult result;
				try {
					result = measure(count, directory.resolve("n" + count));
				}
				catch (Exception ex) {
					result = new ScalingResult(count, 0, 0, 0, 0, 0, ex.toString());
				}
				ThroughputBenchmark.log("scaling %4d listeners: %s", count, result);
				results.add(result);
			}
		}
		finally {
			deleteRecursively(directory);
		}
		return results;
	}

	private ScalingResult measure(int count, Path directory) throws Exception {
		String root = "s" + count + "-" + System.nanoTime();
		String className = "Listeners" + count;
		Class<?> listeners = GeneratedListeners.compile(className, root, count, directory);
		ScalingSink sink = new ScalingSink();
		Object bean = listeners.getConstructor(ScalingSink.class).newInstance(sink);
		gc();
		long start = System.nanoTime();
		ConfigurableApplicationContext context = StarterContender.application(this.broker, ScalingApplication.class, sink,
				"mqtt.client-id=" + ClientIds.next("scaling"))
			.initializers((ctx) -> register((GenericApplicationContext) ctx, listeners, bean))
			.run();
		try {
			MqttConnection connection = context.getBean(MqttConnection.class);
			StarterContender.awaitSubscriptions(connection, count, 60_000);
			double startupMillis = (System.nanoTime() - start) / 1e6;
			gc();
			long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			MqttTemplate template = context.getBean(MqttTemplate.class);
			String topic = root + "/e/0";
			List<Double> rates = new ArrayList<>();
			for (int run = 0; run < this.runs; run++) {
				rates.add(throughput(template, sink, topic));
			}
			if (sink.misdirected() > 0) {
				throw new IllegalStateException(sink.misdirected() + " messages reached a listener whose filter does "
						+ "not match '" + topic + "'");
			}
			Stats stats = Stats.of(rates);
			return new ScalingResult(count, startupMillis, heap, stats.median(), stats.min(), stats.max(), null);
		}
		finally {
			context.close();
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> void register(GenericApplicationContext context, Class<T> type, Object bean) {
		context.registerBean("generatedListeners", type, () -> (T) bean);
	}

	private double throughput(MqttTemplate template, ScalingSink sink, String topic) throws Exception {
		SequenceTracker tracker = new SequenceTracker(this.messages);
		sink.target(tracker);
		Payloads payloads = new Payloads(100);
		long start = System.nanoTime();
		for (int sequence = 0; sequence < this.messages; sequence++) {
			template.publish(topic, payloads.create(sequence), 1, false);
		}
		if (!tracker.awaitAll(30_000 + this.messages)) {
			throw new IllegalStateException("listener 0 received " + tracker.unique() + " of " + this.messages
					+ " unique messages; missing e.g. " + tracker.missingSample(5));
		}
		return tracker.unique() * 1e9 / (tracker.lastUniqueNanos() - start);
	}

	private static void gc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
	}

	private static void deleteRecursively(Path root) {
		try (var paths = Files.walk(root)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (java.io.IOException ex) {
			// best effort
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ScalingApplication {

	}

}
