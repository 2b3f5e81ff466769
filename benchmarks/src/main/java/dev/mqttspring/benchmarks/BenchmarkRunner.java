package dev.mqttspring.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.mqttspring.testsupport.MosquittoBroker;

/**
 * Runs the benchmarks against a mosquitto started on a free loopback port and writes
 * {@code benchmark-results.md} and {@code benchmark-results.json}.
 * <p>
 * Options: {@code --quick} (small counts, one run: a smoke check of a minute or two),
 * {@code --runs N} (default 3), {@code --contenders a,a-buf,b,c,d,d-p,e},
 * {@code --scenarios qos0-100B,qos1-100B,qos1-4KiB,qos2-100B},
 * {@code --sections throughput,latency,scaling,concurrency,jmh}, {@code --output DIR} (default
 * {@code target} of this module).
 */
public final class BenchmarkRunner {

	static final List<String> ALL_SECTIONS = List.of("throughput", "latency", "scaling", "concurrency", "jmh");

	private BenchmarkRunner() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Report report = new Report();
		report.environment.putAll(Machine.describe());
		report.settings.put("mode", (options.quick ? "quick (small N" : "full (issue N") + ", " + options.runs + " throughput run(s))");
		report.settings.put("command", "java " + String.join(" ", args));
		List<ContenderSpec> contenders = Contenders.select(options.contenders);
		try (MosquittoBroker mosquitto = MosquittoBroker.builder()
			.maxInflightMessages(1000)
			.maxQueuedMessages(1_000_000)
			.persistence(false)
			.start()) {
			Broker broker = Broker.of(mosquitto.url());
			report.settings.put("broker config", "max_inflight_messages 1000, max_queued_messages 1000000, no persistence, "
					+ "loopback port " + broker.port());
			if (options.sections.contains("throughput")) {
				runThroughput(options, broker, contenders, report);
			}
			if (options.sections.contains("latency")) {
				runLatency(options, broker, report);
			}
			if (options.sections.contains("scaling")) {
				Sections.scaling(options, broker, report);
			}
			if (options.sections.contains("concurrency")) {
				Sections.concurrency(options, broker, report);
			}
			Files.createDirectories(options.output);
			Files.writeString(options.output.resolve("mosquitto.log"), mosquitto.log());
		}
		if (options.sections.contains("jmh")) {
			Sections.jmh(options, report);
		}
		for (ThroughputResult result : report.throughput) {
			if (!result.ok()) {
				report.failures.add("throughput " + result.contender() + " " + result.scenario().label() + " run "
						+ result.run() + ": " + result.error());
			}
		}
		for (LatencyResult result : report.latency) {
			if (result.error() != null) {
				report.failures.add("latency " + result.contender() + ": " + result.error());
			}
		}
		for (ConcurrencyResult result : report.concurrency) {
			if (result.error() != null) {
				report.failures.add("concurrency " + result.concurrency() + ": " + result.error());
			}
		}
		for (ScalingResult result : report.scaling) {
			if (result.error() != null) {
				report.failures.add("scaling " + result.listeners() + " listeners: " + result.error());
			}
		}
		report.write(options.output);
		System.out.println(report.markdown());
		System.out.println("Written to " + options.output.toAbsolutePath().resolve("benchmark-results.md") + " and .json");
		if (!report.failures.isEmpty()) {
			System.err.println("[bench] " + report.failures.size() + " failure(s), see the Failures section");
			System.exit(1);
		}
		System.exit(0);
	}

	private static void runThroughput(Options options, Broker broker, List<ContenderSpec> contenders, Report report) {
		List<Scenario> scenarios = options.quick
				? List.of(new Scenario(0, 100, 20_000), new Scenario(1, 100, 10_000), new Scenario(1, 4096, 5_000),
						new Scenario(2, 100, 5_000))
				: List.of(new Scenario(0, 100, 200_000), new Scenario(1, 100, 50_000), new Scenario(1, 4096, 50_000),
						new Scenario(2, 100, 50_000));
		Scenario warmUp = options.quick ? new Scenario(1, 100, 2_000) : new Scenario(1, 100, 10_000);
		if (!options.scenarios.isEmpty()) {
			scenarios = scenarios.stream().filter((scenario) -> options.scenarios.contains(scenario.key())).toList();
		}
		report.contenders.addAll(contenders);
		report.scenarios.addAll(scenarios);
		report.settings.put("throughput", "1 publisher -> broker -> 1 subscriber, every message counted by sequence "
				+ "number; one warm-up run per contender (" + warmUp.label() + "), then " + options.runs
				+ " run(s) with contenders alternating in rotating order; each run uses a fresh client/context and topic");
		report.throughput.addAll(new ThroughputBenchmark(broker, contenders, scenarios, options.runs, warmUp).run());
	}

	private static void runLatency(Options options, Broker broker, Report report) {
		List<ContenderSpec> contenders = Contenders.select(List.of("a", "c", "d", "d-p")).stream()
			.filter((spec) -> options.contenders.isEmpty() || options.contenders.contains(spec.key()))
			.toList();
		int seconds = options.quick ? 3 : 10;
		int warmUp = options.quick ? 1 : 3;
		int runs = options.quick ? 1 : options.runs;
		report.latencyContenders.addAll(contenders);
		report.settings.put("latency", "QoS 1, 100 B, 2,000 msg/s for " + seconds + " s after " + warmUp
				+ " s warm-up, one discarded warm-up run per contender, then " + runs
				+ " run(s) per contender merged; payload carries System.nanoTime()");
		report.latency.addAll(new LatencyBenchmark(broker, contenders, 2_000, warmUp, seconds, runs).run());
	}

	static final class Options {

		boolean quick;

		int runs = 3;

		List<String> contenders = List.of();

		List<String> scenarios = List.of();

		Set<String> sections = new LinkedHashSet<>(ALL_SECTIONS);

		Path output = Files.isRegularFile(Path.of("benchmarks", "pom.xml")) ? Path.of("benchmarks", "target")
				: Path.of("target");

		static Options parse(String[] args) {
			Options options = new Options();
			boolean runsGiven = false;
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> options.quick = true;
					case "--runs" -> {
						options.runs = Integer.parseInt(value(args, ++i, "--runs"));
						runsGiven = true;
					}
					case "--contenders" -> options.contenders = Arrays.asList(value(args, ++i, "--contenders").split(","));
					case "--scenarios" -> options.scenarios = Arrays.asList(value(args, ++i, "--scenarios").split(","));
					case "--sections" -> {
						options.sections = new LinkedHashSet<>(Arrays.asList(value(args, ++i, "--sections").split(",")));
						for (String section : options.sections) {
							if (!ALL_SECTIONS.contains(section)) {
								throw new IllegalArgumentException(
										"Unknown section '" + section + "'; known sections are " + ALL_SECTIONS);
							}
						}
					}
					case "--output" -> options.output = Path.of(value(args, ++i, "--output"));
					default -> throw new IllegalArgumentException("Unknown option '" + args[i]
							+ "'; use --quick, --runs N, --contenders a,a-buf,b,c,d,d-p,e, --scenarios qos0-100B,qos1-100B,qos1-4KiB,qos2-100B, --sections "
							+ String.join(",", ALL_SECTIONS) + ", --output DIR");
				}
			}
			if (options.quick && !runsGiven) {
				options.runs = 1;
			}
			if (options.runs < 1 || options.runs > 20) {
				throw new IllegalArgumentException("--runs must be between 1 and 20 but was " + options.runs);
			}
			return options;
		}

		private static String value(String[] args, int index, String option) {
			if (index >= args.length) {
				throw new IllegalArgumentException(option + " needs a value");
			}
			return args[index];
		}

	}

	/**
	 * The known contenders.
	 */
	static final class Contenders {

		/**
		 * Investigation variants, run only when named with --contenders.
		 */
		static final Set<String> EXTRA = Set.of("a-manual", "a-manual-q1", "d-sub", "d-pub", "d-ob");

		private Contenders() {
		}

		static List<ContenderSpec> all() {
			List<ContenderSpec> all = new ArrayList<>();
			all.add(new ContenderSpec("a", "(a) Paho v5", false, () -> new PahoContender(SocketFactories.noDelay())));
			all.add(new ContenderSpec("a-buf", "(a') Paho v5 + buffered input", false,
					() -> new PahoContender(SocketFactories.buffered())));
			all.add(new ContenderSpec("a-manual", "(a'') Paho v5 + buffered input + manual acks", false,
					() -> new PahoContender(SocketFactories.buffered(), true)));
			all.add(new ContenderSpec("a-manual-q1", "(a''') Paho v5 + buffered input + manual acks for QoS 1 only", false,
					() -> new PahoContender(SocketFactories.buffered(), true, false)));
			all.add(new ContenderSpec("b", "(b) HiveMQ", false, HiveMqContender::new));
			all.add(new ContenderSpec("c", "(c) Spring Integration", false, SpringIntegrationContender::new));
			all.addAll(Sections.starterContenders());
			all.add(new ContenderSpec("e", "(e) mica-mqtt (receipt only)", true, MicaContender::new));
			return all;
		}

		static List<ContenderSpec> select(List<String> keys) {
			List<ContenderSpec> all = all();
			if (keys.isEmpty()) {
				return all.stream().filter((spec) -> !EXTRA.contains(spec.key())).toList();
			}
			List<ContenderSpec> selected = new ArrayList<>();
			for (String key : keys) {
				selected.add(all.stream()
					.filter((spec) -> spec.key().equals(key))
					.findFirst()
					.orElseThrow(() -> new IllegalArgumentException("Unknown contender '" + key + "'; known: "
							+ all.stream().map(ContenderSpec::key).toList())));
			}
			return selected;
		}

	}

}
