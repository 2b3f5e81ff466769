package dev.mqttspring.benchmarks;

import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fast checks of the benchmark harness; no broker, no benchmark run.
 */
class BenchmarkHarnessTests {

	@Test
	void payloadCarriesSequenceAndSendTime() {
		Payloads payloads = new Payloads(100);
		long before = System.nanoTime();
		byte[] payload = payloads.create(123_456_789L);
		assertThat(payload).hasSize(100);
		assertThat(Payloads.sequence(payload)).isEqualTo(123_456_789L);
		assertThat(Payloads.sentNanos(payload)).isBetween(before, System.nanoTime());
		assertThat(Payloads.sequence(java.nio.ByteBuffer.wrap(payload))).isEqualTo(123_456_789L);
	}

	@Test
	void payloadTooSmallIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Payloads(8)).withMessageContaining("at least 16");
	}

	@Test
	void trackerCountsUniqueDuplicateAndUnexpected() throws Exception {
		SequenceTracker tracker = new SequenceTracker(130);
		for (long i = 0; i < 130; i++) {
			tracker.received(i, System.nanoTime());
		}
		tracker.received(5, System.nanoTime());
		tracker.received(130, System.nanoTime());
		assertThat(tracker.awaitAll(10)).isTrue();
		assertThat(tracker.unique()).isEqualTo(130);
		assertThat(tracker.duplicates()).isEqualTo(1);
		assertThat(tracker.unexpected()).isEqualTo(1);
	}

	@Test
	void trackerNamesMissingMessages() throws Exception {
		SequenceTracker tracker = new SequenceTracker(10);
		for (long i = 0; i < 10; i++) {
			if (i != 3 && i != 7) {
				tracker.received(i, 0);
			}
		}
		assertThat(tracker.awaitAllOrQuiet(1_000, 50)).isFalse();
		assertThat(tracker.missingSample(5)).isEqualTo("3, 7");
	}

	@Test
	void statsGiveMedianAndRange() {
		Stats stats = Stats.of(List.of(3.0, 1.0, 2.0, 10.0));
		assertThat(stats.median()).isEqualTo(2.5);
		assertThat(stats.min()).isEqualTo(1.0);
		assertThat(stats.max()).isEqualTo(10.0);
	}

	@Test
	void generatedListenersHaveDistinctFiltersAndOnlyListenerZeroMatches() {
		String root = "s";
		java.util.Set<String> filters = new java.util.HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String filter = GeneratedListeners.filter(root, i);
			assertThat(filters.add(filter)).isTrue();
			assertThat(dev.mqttspring.core.MqttTopics.matches(filter, "s/e/0")).isEqualTo(i == 0);
		}
		assertThat(GeneratedListeners.source("Listeners3", root, 3)).contains("@MqttSubscribe(topics = \"s/+/1/p\"");
	}

	@Test
	void reportRendersRatiosAndJson() {
		Report report = new Report();
		Scenario scenario = new Scenario(1, 100, 1000);
		report.scenarios.add(scenario);
		report.contenders.add(new ContenderSpec("a", "(a) Paho v5", false, () -> null));
		report.contenders.add(new ContenderSpec("d", "(d) starter", false, () -> null));
		report.throughput.add(new ThroughputResult("a", scenario, 1, 1000, 0, 0, 1_000_000_000L, 1, null));
		report.throughput.add(new ThroughputResult("d", scenario, 1, 1000, 0, 0, 2_000_000_000L, 1, null));
		report.latency.add(new LatencyResult("d", new Histogram(3), "boom"));
		String markdown = report.markdown();
		assertThat(markdown).contains("| QoS 1, 1k x 100 B | 1,000 | 500 | 0.50 |");
		assertThat(report.json()).contains("\"ratioStarterToThis\" : 0.5");
	}

	@Test
	void reportGivesRatiosOfTheDefaultAndThePahoBackendAndChecksTheTargets() {
		Report report = new Report();
		Scenario small = new Scenario(1, 100, 1000);
		Scenario large = new Scenario(1, 4096, 1000);
		report.scenarios.add(small);
		report.scenarios.add(large);
		for (String key : List.of("a", "b", "d", "d-p", "e")) {
			report.contenders.add(new ContenderSpec(key, "(" + key + ")", false, () -> null));
		}
		// messages/s = 1000 / elapsed seconds
		addRun(report, "a", small, 1.0);
		addRun(report, "b", small, 0.8);
		addRun(report, "d", small, 0.5);
		addRun(report, "d-p", small, 1.0);
		addRun(report, "e", small, 0.5);
		addRun(report, "a", large, 1.0);
		addRun(report, "b", large, 0.25);
		addRun(report, "d", large, 0.5);
		addRun(report, "d-p", large, 1.0);
		addRun(report, "e", large, 0.5);
		report.latency.add(new LatencyResult("a", histogram(1_000_000), null));
		report.latency.add(new LatencyResult("d", histogram(500_000), null));
		String markdown = report.markdown();
		assertThat(markdown).contains("| d/a | d/b | d/d-p | d/e | d-p/a | d-p/b | d-p/e |");
		assertThat(markdown).contains("| QoS 1, 1k x 100 B | 1,000 | 1,250 | 2,000 | 1,000 | 2,000 | 2.00 | 1.60 | 2.00 | 1.00 | 1.00 | 0.80 | 0.50 |");
		assertThat(markdown).contains("## Targets of the default contender (d), QoS 1, same run")
			.contains("| d/a | QoS 1, 1k x 100 B | 2.00 | >= 1.1 | yes |")
			.contains("| d/a | QoS 1, 1k x 4 KiB | 2.00 | >= 2.5 | **no** |")
			.contains("| d/b | QoS 1, 1k x 4 KiB | 0.50 | >= 1.0 | **no** |")
			.contains("| d/e | QoS 1, 1k x 4 KiB | 1.00 | >= 1.0 | yes |")
			.contains("| latency p99 (a) / (d) | QoS 1, 100 B, 2,000 msg/s | 2.00 | >= 1.0 | yes |");
		assertThat(report.targets()).hasSize(7).filteredOn(Report.TargetCheck::met).hasSize(5);
		assertThat(report.json()).contains("\"targets\"");
	}

	private static void addRun(Report report, String contender, Scenario scenario, double seconds) {
		report.throughput.add(new ThroughputResult(contender, scenario, 1, 1000, 0, 0, (long) (seconds * 1e9), 1, null));
	}

	private static Histogram histogram(long nanos) {
		Histogram histogram = new Histogram(3);
		histogram.recordValue(nanos);
		return histogram;
	}

	@Test
	void unknownOptionsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkRunner.Options.parse(new String[] { "--fast" }))
			.withMessageContaining("--quick");
		assertThat(BenchmarkRunner.Options.parse(new String[] { "--quick" }).runs).isEqualTo(1);
	}

}
