package dev.mqttspring.benchmarks;

/**
 * Throughput of a slow listener at one concurrency.
 *
 * @param concurrency the listener's {@code concurrency}
 * @param virtualThreads whether the workers were virtual threads
 * @param devices the publishing clients, each on its own topic
 * @param messages the messages of one run
 * @param workMillis the listener's work per message
 * @param messagesPerSecond median of the runs: messages / (last processed - first publish)
 * @param min lowest run
 * @param max highest run
 * @param maxActive the most messages processed at the same time, over all runs
 * @param error the failure, or {@code null}
 */
record ConcurrencyResult(int concurrency, boolean virtualThreads, int devices, int messages, int workMillis, double messagesPerSecond, double min,
		double max, int maxActive, String error) {

}
