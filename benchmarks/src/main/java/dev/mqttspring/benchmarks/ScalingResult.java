package dev.mqttspring.benchmarks;

/**
 * Start-up cost and dispatch throughput of an application with many listeners.
 *
 * @param listeners the number of listener methods
 * @param startupMillis from starting the application until every subscription was granted
 * @param heapAfterStartupBytes used heap after start-up and a full GC
 * @param messagesPerSecond throughput to the one matching listener (median of runs)
 * @param min lowest run
 * @param max highest run
 * @param error the failure, or {@code null}
 */
record ScalingResult(int listeners, double startupMillis, long heapAfterStartupBytes, double messagesPerSecond,
		double min, double max, String error) {

}
