package dev.mqttspring.benchmarks;

import java.util.List;

/**
 * Median, minimum and maximum of a sample.
 *
 * @param median the median
 * @param min the minimum
 * @param max the maximum
 * @param count the sample size
 */
record Stats(double median, double min, double max, int count) {

	static Stats of(List<Double> values) {
		if (values.isEmpty()) {
			return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new Stats(median, sorted[0], sorted[n - 1], n);
	}

}
