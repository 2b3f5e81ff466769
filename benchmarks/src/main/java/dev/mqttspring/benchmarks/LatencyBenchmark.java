package dev.mqttspring.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end latency at a fixed publish rate, QoS 1: the payload carries the publisher's
 * {@link System#nanoTime()} and the subscriber (same JVM) records the difference. A
 * warm-up phase at the same rate is discarded, and so is one whole run per contender before
 * the measured ones. Publishes follow an absolute schedule, so a stall is followed by a
 * catch-up burst rather than hidden.
 */
final class LatencyBenchmark {

	private final Broker broker;

	private final List<ContenderSpec> contenders;

	private final int rate;

	private final int warmUpSeconds;

	private final int seconds;

	private final int runs;

	LatencyBenchmark(Broker broker, List<ContenderSpec> contenders, int rate, int warmUpSeconds, int seconds, int runs) {
		this.broker = broker;
		this.contenders = contenders;
		this.rate = rate;
		this.warmUpSeconds = warmUpSeconds;
		this.seconds = seconds;
		this.runs = runs;
	}

	List<LatencyResult> run() {
		Map<String, Histogram> merged = new LinkedHashMap<>();
		Map<String, String> errors = new LinkedHashMap<>();
		for (ContenderSpec spec : this.contenders) {
			merged.put(spec.key(), new Histogram(3));
		}
		// one discarded run per contender first, as in the throughput section: the first run of a
		// fresh JVM measures the JIT compiling the contender's path, which is longer for the
		// starters than for the raw clients
		for (ContenderSpec spec : this.contenders) {
			try {
				Histogram histogram = measure(spec, 0);
				ThroughputBenchmark.log("latency warm-up %-6s p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us",
						spec.key(), histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
						histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3);
			}
			catch (Exception ex) {
				ThroughputBenchmark.log("latency warm-up %-6s FAILED: %s", spec.key(), ex);
			}
		}
		for (int run = 1; run <= this.runs; run++) {
			for (int i = 0; i < this.contenders.size(); i++) {
				ContenderSpec spec = this.contenders.get((i + run - 1) % this.contenders.size());
				try {
					Histogram histogram = measure(spec, run);
					merged.get(spec.key()).add(histogram);
					ThroughputBenchmark.log("latency run %d/%d %-6s p50 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us",
							run, this.runs, spec.key(), histogram.getValueAtPercentile(50) / 1e3,
							histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
							histogram.getMaxValue() / 1e3);
				}
				catch (Exception ex) {
					errors.merge(spec.key(), ex.toString(), (a, b) -> a + "; " + b);
					ThroughputBenchmark.log("latency run %d/%d %-6s FAILED: %s", run, this.runs, spec.key(), ex);
				}
			}
		}
		List<LatencyResult> results = new ArrayList<>();
		merged.forEach((key, histogram) -> results.add(new LatencyResult(key, histogram, errors.get(key))));
		return results;
	}

	private Histogram measure(ContenderSpec spec, int run) throws Exception {
		int warmUpCount = this.rate * this.warmUpSeconds;
		int count = this.rate * this.seconds;
		Recorder recorder = new Recorder(3);
		SequenceTracker tracker = new SequenceTracker(warmUpCount + count, recorder);
		Payloads payloads = new Payloads(100);
		long interval = 1_000_000_000L / this.rate;
		String topic = "bench/latency/" + spec.key() + "/" + run + "/" + System.nanoTime();
		System.gc();
		try (Contender contender = spec.factory().get()) {
			contender.start(this.broker, topic, 1, tracker);
			long start = System.nanoTime();
			for (int sequence = 0; sequence < warmUpCount + count; sequence++) {
				if (sequence == warmUpCount) {
					recorder.getIntervalHistogram();
				}
				long due = start + sequence * interval;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				contender.publish(payloads.create(sequence));
			}
			contender.awaitPublished(30_000);
			if (!tracker.awaitAll(30_000)) {
				throw new IllegalStateException("received " + tracker.unique() + " of " + (warmUpCount + count)
						+ " unique messages; missing e.g. " + tracker.missingSample(5));
			}
			return recorder.getIntervalHistogram();
		}
	}

}
