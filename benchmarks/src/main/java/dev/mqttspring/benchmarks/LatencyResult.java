package dev.mqttspring.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * End-to-end latency of one contender at a fixed rate, all runs merged.
 *
 * @param contender the contender key
 * @param histogram the latencies in nanoseconds
 * @param error the failure, or {@code null}
 */
record LatencyResult(String contender, Histogram histogram, String error) {

	double micros(double percentile) {
		return this.histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	double maxMicros() {
		return this.histogram.getMaxValue() / 1000.0;
	}

}
