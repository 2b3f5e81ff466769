package dev.mqttspring.benchmarks;

/**
 * The outcome of one throughput run of one contender.
 *
 * @param contender the contender key
 * @param scenario the scenario
 * @param run the run number (1-based)
 * @param unique the unique messages received
 * @param duplicates the duplicate messages received
 * @param unexpected messages with an unknown sequence number
 * @param elapsedNanos from the first publish to the last unique receipt
 * @param publishNanos from the first publish until the last publish call returned
 * @param error the failure, or {@code null}
 */
record ThroughputResult(String contender, Scenario scenario, int run, long unique, long duplicates, long unexpected,
		long elapsedNanos, long publishNanos, String error) {

	double messagesPerSecond() {
		return (this.elapsedNanos > 0) ? this.unique * 1e9 / this.elapsedNanos : 0;
	}

	boolean ok() {
		return this.error == null;
	}

}
