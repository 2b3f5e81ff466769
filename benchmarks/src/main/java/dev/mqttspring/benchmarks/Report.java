package dev.mqttspring.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders all results as a markdown report and as JSON.
 */
final class Report {

	private static final List<String> RATIO_BASES = List.of("a", "a-buf", "b", "c", "d-p", "d-ob", "e");

	final Map<String, Object> environment = new LinkedHashMap<>();

	final Map<String, Object> settings = new LinkedHashMap<>();

	final List<ContenderSpec> contenders = new ArrayList<>();

	final List<Scenario> scenarios = new ArrayList<>();

	final List<ThroughputResult> throughput = new ArrayList<>();

	final List<ContenderSpec> latencyContenders = new ArrayList<>();

	final List<LatencyResult> latency = new ArrayList<>();

	final List<ScalingResult> scaling = new ArrayList<>();

	String scalingNote;

	final List<ConcurrencyResult> concurrency = new ArrayList<>();

	String concurrencyNote;

	final List<JmhResult> jmh = new ArrayList<>();

	final Map<String, Double> jmhCpu = new LinkedHashMap<>();

	final List<String> failures = new ArrayList<>();

	Stats stats(String contender, Scenario scenario) {
		List<Double> values = new ArrayList<>();
		for (ThroughputResult result : this.throughput) {
			if (result.ok() && result.contender().equals(contender) && result.scenario().equals(scenario)) {
				values.add(result.messagesPerSecond());
			}
		}
		return Stats.of(values);
	}

	long failed(String contender, Scenario scenario) {
		return this.throughput.stream()
			.filter((result) -> !result.ok() && result.contender().equals(contender) && result.scenario().equals(scenario))
			.count();
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("# mqtt-spring-boot benchmarks\n\n");
		md.append("## Machine and settings\n\n");
		this.environment.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
		this.settings.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
		md.append('\n');
		if (!this.scenarios.isEmpty()) {
			appendThroughput(md);
		}
		if (!this.latency.isEmpty()) {
			appendLatency(md);
		}
		appendTargets(md);
		if (!this.concurrency.isEmpty()) {
			appendConcurrency(md);
		}
		if (!this.scaling.isEmpty() || this.scalingNote != null) {
			appendScaling(md);
		}
		if (!this.jmh.isEmpty()) {
			md.append("## Per-message path inside the starter (client callback -> listener method)\n\n");
			md.append("JMH average wall-clock time per message, and the same operation's CPU time on the calling thread "
					+ "(less distorted when other processes compete for the cores).\n\n");
			md.append("| Benchmark | JMH ns/op | ± (99.9%) | CPU ns/op |\n|---|---:|---:|---:|\n");
			for (JmhResult result : this.jmh) {
				Double cpu = this.jmhCpu.get(result.benchmark());
				md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s |%n", result.benchmark(), result.score(),
						result.error(), (cpu != null) ? String.format(Locale.ROOT, "%.0f", cpu) : "-"));
			}
			md.append('\n');
		}
		if (!this.failures.isEmpty()) {
			md.append("## Failures\n\n");
			this.failures.forEach((failure) -> md.append("- ").append(failure).append('\n'));
			md.append('\n');
		}
		return md.toString();
	}

	/**
	 * The starter contenders that get ratio columns: the default (HiveMQ) backend and the
	 * Paho backend.
	 */
	private static final List<String> STARTERS = List.of("d", "d-p");

	private void appendThroughput(StringBuilder md) {
		md.append("## Throughput (messages/s received; median of runs, min-max)\n\n");
		md.append("| Scenario |");
		this.contenders.forEach((spec) -> md.append(' ').append(spec.label()).append(" |"));
		List<String> starters = STARTERS.stream()
			.filter((key) -> this.contenders.stream().anyMatch((spec) -> spec.key().equals(key)))
			.toList();
		for (String starterKey : starters) {
			ratioBases(starterKey).forEach((base) -> md.append(' ').append(starterKey).append('/').append(base).append(" |"));
		}
		md.append("\n|---|");
		this.contenders.forEach((spec) -> md.append("---:|"));
		starters.forEach((starterKey) -> ratioBases(starterKey).forEach((base) -> md.append("---:|")));
		md.append('\n');
		for (Scenario scenario : this.scenarios) {
			md.append("| ").append(scenario.label()).append(" |");
			for (ContenderSpec spec : this.contenders) {
				Stats stats = stats(spec.key(), scenario);
				long failed = failed(spec.key(), scenario);
				md.append(' ');
				if (stats.count() == 0) {
					md.append("FAILED");
				}
				else if (stats.count() == 1) {
					md.append(format(stats.median()));
				}
				else {
					md.append(format(stats.median())).append(" (").append(format(stats.min())).append('-')
						.append(format(stats.max())).append(')');
				}
				if (failed > 0 && stats.count() > 0) {
					md.append(", ").append(failed).append(" failed");
				}
				md.append(" |");
			}
			for (String starterKey : starters) {
				Stats starter = stats(starterKey, scenario);
				for (String base : ratioBases(starterKey)) {
					Stats other = stats(base, scenario);
					md.append(' ').append((starter.count() > 0 && other.count() > 0)
							? String.format(Locale.ROOT, "%.2f", starter.median() / other.median()) : "-").append(" |");
				}
			}
			md.append('\n');
		}
		md.append('\n');
	}

	private List<String> ratioBases(String starterKey) {
		return RATIO_BASES.stream()
			.filter((base) -> !base.equals(starterKey))
			.filter((base) -> this.contenders.stream().anyMatch((spec) -> spec.key().equals(base)))
			.toList();
	}

	/**
	 * Check the default contender (d) against its targets, QoS 1, in this run: at least
	 * 1.1 x raw Paho at 100 B and 2.5 x at 4 KiB, at least 1.0 x mica-mqtt and raw HiveMQ
	 * at every payload, and a p99 latency no higher than raw Paho's. A target whose
	 * contenders did not run (or failed) is left out.
	 * @return the checks
	 */
	List<TargetCheck> targets() {
		List<TargetCheck> checks = new ArrayList<>();
		for (Scenario scenario : this.scenarios) {
			if (scenario.qos() != 1) {
				continue;
			}
			if (scenario.payloadSize() == 100) {
				ratio(checks, scenario, "a", 1.1);
			}
			else if (scenario.payloadSize() == 4096) {
				ratio(checks, scenario, "a", 2.5);
			}
			ratio(checks, scenario, "e", 1.0);
			ratio(checks, scenario, "b", 1.0);
		}
		LatencyResult starter = latency("d");
		LatencyResult paho = latency("a");
		if (starter != null && paho != null) {
			double value = paho.micros(99) / starter.micros(99);
			checks.add(new TargetCheck("latency p99 (a) / (d)", "QoS 1, 100 B, 2,000 msg/s", value, 1.0,
					value >= 1.0));
		}
		return checks;
	}

	private void ratio(List<TargetCheck> checks, Scenario scenario, String base, double required) {
		Stats starter = stats("d", scenario);
		Stats other = stats(base, scenario);
		if (starter.count() > 0 && other.count() > 0) {
			double value = starter.median() / other.median();
			checks.add(new TargetCheck("d/" + base, scenario.label(), value, required, value >= required));
		}
	}

	private LatencyResult latency(String contender) {
		return this.latency.stream()
			.filter((result) -> result.contender().equals(contender) && result.histogram().getTotalCount() > 0)
			.findFirst()
			.orElse(null);
	}

	private void appendTargets(StringBuilder md) {
		List<TargetCheck> checks = targets();
		if (checks.isEmpty()) {
			return;
		}
		md.append("## Targets of the default contender (d), QoS 1, same run\n\n");
		md.append("| Target | Scenario | Value | Required | Met |\n|---|---|---:|---:|---|\n");
		for (TargetCheck check : checks) {
			md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | >= %.1f | %s |%n", check.target(), check.scenario(),
					check.value(), check.required(), check.met() ? "yes" : "**no**"));
		}
		md.append('\n');
	}

	/**
	 * One target of the default contender and whether this run met it.
	 *
	 * @param target what is compared, such as {@code d/a}
	 * @param scenario the scenario
	 * @param value the measured ratio
	 * @param required the lowest ratio that meets the target
	 * @param met whether the value meets the target
	 */
	record TargetCheck(String target, String scenario, double value, double required, boolean met) {

	}

	private void appendLatency(StringBuilder md) {
		md.append("## Latency at a fixed rate (QoS 1, 100 B, microseconds)\n\n");
		md.append("| Contender | p50 | p99 | p99.9 | max | samples |\n|---|---:|---:|---:|---:|---:|\n");
		for (LatencyResult result : this.latency) {
			String label = this.latencyContenders.stream()
				.filter((spec) -> spec.key().equals(result.contender()))
				.map(ContenderSpec::label)
				.findFirst()
				.orElse(result.contender());
			if (result.histogram().getTotalCount() == 0) {
				md.append("| ").append(label).append(" | FAILED | | | | 0 |\n");
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %d |%n", label, result.micros(50),
					result.micros(99), result.micros(99.9), result.maxMicros(), result.histogram().getTotalCount()));
		}
		md.append('\n');
	}

	private void appendScaling(StringBuilder md) {
		md.append("## Scaling with @MqttSubscribe listeners (QoS 1, 100 B, one matching listener)\n\n");
		if (this.scalingNote != null) {
			md.append(this.scalingNote).append("\n\n");
		}
		if (this.scaling.isEmpty()) {
			return;
		}
		double base = this.scaling.get(0).messagesPerSecond();
		md.append("| Listeners | Start-up (ms) | Heap after start-up (MiB) | Messages/s (min-max) | vs 1 listener |\n");
		md.append("|---:|---:|---:|---:|---:|\n");
		for (ScalingResult result : this.scaling) {
			if (result.error() != null) {
				md.append("| ").append(result.listeners()).append(" | FAILED: ").append(result.error()).append(" | | | |\n");
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %s (%s-%s) | %.2f |%n", result.listeners(),
					result.startupMillis(), result.heapAfterStartupBytes() / 1048576.0, format(result.messagesPerSecond()),
					format(result.min()), format(result.max()), result.messagesPerSecond() / base));
		}
		md.append('\n');
	}

	private void appendConcurrency(StringBuilder md) {
		md.append("## Listener concurrency (64 devices, QoS 1, listener working 5 ms per message)\n\n");
		if (this.concurrencyNote != null) {
			md.append(this.concurrencyNote).append("\n\n");
		}
		md.append("| Concurrency | Threads | Messages | Messages/s (min-max) | Ideal (concurrency x 200) | Most at once |\n");
		md.append("|---:|---|---:|---:|---:|---:|\n");
		for (ConcurrencyResult result : this.concurrency) {
			if (result.error() != null) {
				md.append("| ").append(result.concurrency()).append(" | | | FAILED: ").append(result.error()).append(" | | |\n");
				continue;
			}
			md.append(String.format(Locale.ROOT, "| %d | %s | %,d | %s (%s-%s) | %,d | %d |%n", result.concurrency(),
					result.virtualThreads() ? "virtual" : "platform", result.messages(), format(result.messagesPerSecond()),
					format(result.min()), format(result.max()), result.concurrency() * 1000 / result.workMillis(),
					result.maxActive()));
		}
		md.append('\n');
	}

	private static String format(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	String json() {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("environment", this.environment);
		root.put("settings", this.settings);
		Map<String, String> labels = new LinkedHashMap<>();
		this.contenders.forEach((spec) -> labels.put(spec.key(), spec.label()));
		root.put("contenders", labels);
		List<Map<String, Object>> summary = new ArrayList<>();
		for (Scenario scenario : this.scenarios) {
			for (ContenderSpec spec : this.contenders) {
				Stats stats = stats(spec.key(), scenario);
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("scenario", scenario.key());
				entry.put("qos", scenario.qos());
				entry.put("payloadBytes", scenario.payloadSize());
				entry.put("messages", scenario.count());
				entry.put("contender", spec.key());
				entry.put("medianMessagesPerSecond", finite(stats.median()));
				entry.put("minMessagesPerSecond", finite(stats.min()));
				entry.put("maxMessagesPerSecond", finite(stats.max()));
				entry.put("okRuns", stats.count());
				entry.put("failedRuns", failed(spec.key(), scenario));
				if (!spec.key().equals("d")) {
					Stats starter = stats("d", scenario);
					entry.put("ratioStarterToThis",
							(starter.count() > 0 && stats.count() > 0) ? starter.median() / stats.median() : null);
				}
				summary.add(entry);
			}
		}
		root.put("throughput", summary);
		List<Map<String, Object>> runs = new ArrayList<>();
		for (ThroughputResult result : this.throughput) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("scenario", result.scenario().key());
			entry.put("contender", result.contender());
			entry.put("run", result.run());
			entry.put("messagesPerSecond", result.messagesPerSecond());
			entry.put("unique", result.unique());
			entry.put("duplicates", result.duplicates());
			entry.put("elapsedSeconds", result.elapsedNanos() / 1e9);
			entry.put("publisherSeconds", result.publishNanos() / 1e9);
			entry.put("error", result.error());
			runs.add(entry);
		}
		root.put("throughputRuns", runs);
		List<Map<String, Object>> latencies = new ArrayList<>();
		for (LatencyResult result : this.latency) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("contender", result.contender());
			entry.put("samples", result.histogram().getTotalCount());
			if (result.histogram().getTotalCount() > 0) {
				entry.put("p50Micros", result.micros(50));
				entry.put("p99Micros", result.micros(99));
				entry.put("p999Micros", result.micros(99.9));
				entry.put("maxMicros", result.maxMicros());
			}
			entry.put("error", result.error());
			latencies.add(entry);
		}
		root.put("latency", latencies);
		root.put("scaling", this.scaling);
		root.put("scalingNote", this.scalingNote);
		root.put("concurrency", this.concurrency);
		root.put("concurrencyNote", this.concurrencyNote);
		root.put("jmh", this.jmh);
		root.put("perMessageCpuNanos", this.jmhCpu);
		root.put("targets", targets());
		root.put("failures", this.failures);
		JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		return mapper.writeValueAsString(root);
	}

	private static Double finite(double value) {
		return Double.isFinite(value) ? value : null;
	}

	void write(Path directory) throws IOException {
		Files.createDirectories(directory);
		Files.writeString(directory.resolve("benchmark-results.md"), markdown());
		Files.writeString(directory.resolve("benchmark-results.json"), json());
	}

}
