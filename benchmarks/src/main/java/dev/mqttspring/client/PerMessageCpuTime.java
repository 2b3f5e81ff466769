package dev.mqttspring.client;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link PerMessagePathBenchmark} operations measured in CPU time of the calling
 * thread rather than wall-clock time, so that other processes competing for the CPU
 * inflate the numbers much less than they inflate JMH's.
 */
public final class PerMessageCpuTime {

	private PerMessageCpuTime() {
	}

	/**
	 * Measure every operation for every parameter combination.
	 * @param iterations the measured iterations per operation (as many again warm up)
	 * @return benchmark label to CPU nanoseconds per operation
	 * @throws Exception on failure
	 */
	public static Map<String, Double> measure(int iterations) throws Exception {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Double> results = new LinkedHashMap<>();
		for (int otherFilters : new int[] { 0, 997 }) {
			for (boolean subscriptionIdentifier : new boolean[] { true, false }) {
				PerMessagePathBenchmark benchmark = new PerMessagePathBenchmark();
				benchmark.otherFilters = otherFilters;
				benchmark.subscriptionIdentifier = subscriptionIdentifier;
				benchmark.setUp();
				try {
					List<Map.Entry<String, Supplier<Object>>> operations = new ArrayList<>();
					operations.add(Map.entry("stringPayload", benchmark::stringPayload));
					operations.add(Map.entry("jsonRecord", benchmark::jsonRecord));
					operations.add(Map.entry("bytePayload", benchmark::bytePayload));
					for (Map.Entry<String, Supplier<Object>> operation : operations) {
						Supplier<Object> op = operation.getValue();
						for (int i = 0; i < iterations; i++) {
							op.get();
						}
						long start = threads.getCurrentThreadCpuTime();
						for (int i = 0; i < iterations; i++) {
							op.get();
						}
						double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) iterations;
						results.put(operation.getKey() + " (other filters " + otherFilters + ", subscription id "
								+ subscriptionIdentifier + ")", nanos);
					}
				}
				finally {
					benchmark.tearDown();
				}
			}
		}
		return results;
	}

}
