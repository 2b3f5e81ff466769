package dev.mqttspring.benchmarks;

/**
 * Where a contender's subscriber reports every received message.
 */
@FunctionalInterface
interface MessageSink {

	/**
	 * Record one received message.
	 * @param sequence the sequence number from the payload
	 * @param sentNanos the publisher's {@link System#nanoTime()} from the payload
	 */
	void received(long sequence, long sentNanos);

	default void received(byte[] payload) {
		received(Payloads.sequence(payload), Payloads.sentNanos(payload));
	}

}
