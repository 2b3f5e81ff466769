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
	void unknownOptionsAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkRunner.Options.parse(new String[] { "--fast" }))
			.withMessageContaining("--quick");
		assertThat(BenchmarkRunner.Options.parse(new String[] { "--quick" }).runs).isEqualTo(1);
	}

}
