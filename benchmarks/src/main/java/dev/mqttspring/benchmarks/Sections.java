package dev.mqttspring.benchmarks;

import java.util.List;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.mqttspring.client.PerMessageCpuTime;
import dev.mqttspring.client.PerMessagePathBenchmark;

/**
 * The parts that need the starter's template and listeners.
 */
final class Sections {

	private Sections() {
	}

	/**
	 * The property that selects the default contender's backend, set explicitly so that
	 * (d) is the HiveMQ backend whatever the starter's default is.
	 */
	static final String HIVEMQ = "mqtt.client-library=hivemq";

	static List<ContenderSpec> starterContenders() {
		return List.of(new ContenderSpec("d", "(d) starter", false, StarterContender::new),
				new ContenderSpec("d-p", "(d-p) starter, mqtt.client-library=paho", false,
						() -> new StarterContender(StarterContender.Split.NONE, "mqtt.client-library=paho")),
				new ContenderSpec("d-ob", "(d-ob) starter, mqtt.outbox.enabled=true", false,
						() -> new StarterContender(StarterContender.Split.NONE, "mqtt.outbox.enabled=true",
								"mqtt.outbox.directory=" + outboxDirectory())),
				new ContenderSpec("d-sub", "(d-sub) raw Paho -> starter listener", false,
						() -> new StarterContender(StarterContender.Split.RAW_PUBLISHER)),
				new ContenderSpec("d-pub", "(d-pub) starter template -> raw Paho", false,
						() -> new StarterContender(StarterContender.Split.RAW_SUBSCRIBER)));
	}

	/**
	 * A fresh directory for each (d-ob) application: each outbox locks its own.
	 */
	private static String outboxDirectory() {
		try {
			java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("bench-outbox-");
			directory.toFile().deleteOnExit();
			return directory.toString();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static void scaling(BenchmarkRunner.Options options, Broker broker, Report report) throws Exception {
		int messages = options.quick ? 5_000 : 50_000;
		int runs = options.quick ? 1 : options.runs;
		report.scalingNote = "One Spring Boot application per row with N generated @MqttSubscribe methods (a bean class "
				+ "compiled at run time; filters: 1/3 exact, 1/3 with '+', 1/3 with '#', all distinct); start-up = "
				+ "SpringApplication.run until the broker granted all N subscriptions; heap = used heap after start-up "
				+ "and System.gc() (whole JVM); throughput = MqttTemplate -> listener 0, QoS 1, " + messages + " x 100 B, "
				+ "median of " + runs + " run(s).";
		report.scaling.addAll(new ScalingBenchmark(broker, GeneratedListeners.counts(options.quick), messages, runs).run());
	}

	static void concurrency(BenchmarkRunner.Options options, Broker broker, Report report) {
		int runs = options.quick ? 1 : options.runs;
		double seconds = options.quick ? 2 : 5;
		List<Integer> concurrencies = List.of(1, 8, 64);
		report.concurrencyNote = ConcurrencyBenchmark.DEVICES + " devices (raw HiveMQ clients, one topic each) publish QoS 1 "
				+ "messages to one @MqttSubscribe method of the starter (HiveMQ backend, default ack-mode received) that "
				+ "works " + ConcurrencyBenchmark.WORK_MILLIS + " ms per message (Thread.sleep); messages per row sized for "
				+ "about " + seconds + " s at the ideal rate (concurrency x 1000 / " + ConcurrencyBenchmark.WORK_MILLIS
				+ " msg/s); throughput = messages / (last processed - first publish), median of " + runs + " run(s).";
		report.concurrency.addAll(new ConcurrencyBenchmark(broker, concurrencies, false, seconds, runs).run());
		if (Runtime.version().feature() >= 21) {
			report.concurrency.addAll(new ConcurrencyBenchmark(broker, List.of(64), true, seconds, runs).run());
		}
	}

	static void jmh(BenchmarkRunner.Options options, Report report) throws Exception {
		ChainedOptionsBuilder builder = new OptionsBuilder().include(PerMessagePathBenchmark.class.getName())
			.include(PahoDecodeBenchmark.class.getName())
			.forks(1)
			.jvmArgs("-Xms512m", "-Xmx512m");
		if (options.quick) {
			builder.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
				.measurementTime(TimeValue.seconds(1));
		}
		else {
			builder.warmupIterations(3).warmupTime(TimeValue.seconds(2)).measurementIterations(5)
				.measurementTime(TimeValue.seconds(2));
		}
		report.settings.put("jmh", options.quick ? "1 fork, 2 x 1 s warm-up, 3 x 1 s measurement"
				: "1 fork, 3 x 2 s warm-up, 5 x 2 s measurement");
		int iterations = options.quick ? 100_000 : 500_000;
		PerMessageCpuTime.measure(iterations).forEach((name, nanos) -> report.jmhCpu.put(name, nanos));
		report.settings.put("per-message CPU time", iterations + " warm-up + " + iterations
				+ " measured calls per operation on one thread, ThreadMXBean CPU time");
		for (RunResult result : new Runner(builder.build()).run()) {
			String name = result.getParams().getBenchmark();
			name = name.substring(name.lastIndexOf('.') + 1);
			if (result.getParams().getParam("payloadBytes") != null) {
				name = "Paho " + name + " of one PUBLISH (payload " + result.getParams().getParam("payloadBytes") + " B)";
			}
			else {
				name = name + " (other filters " + result.getParams().getParam("otherFilters") + ", subscription id "
						+ result.getParams().getParam("subscriptionIdentifier") + ")";
			}
			report.jmh.add(new JmhResult(name, result.getPrimaryResult().getScore(),
					result.getPrimaryResult().getScoreError(), result.getPrimaryResult().getScoreUnit()));
		}
	}

}
