package dev.mqttspring.benchmarks;

/**
 * One way of publishing to a topic and receiving from it: the clients it needs are
 * created by {@link #start}, the harness then calls {@link #publish} for every message
 * and {@link #awaitPublished} once, and finally {@link #close()}.
 */
interface Contender extends AutoCloseable {

	/**
	 * Connect, subscribe to the topic (returning once the broker granted it), and report
	 * every received message to the sink.
	 * @param broker the broker
	 * @param topic the topic for this run
	 * @param qos the QoS to publish and subscribe with
	 * @param sink the sink for received messages
	 * @throws Exception on failure
	 */
	void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception;

	/**
	 * Publish one message; blocks (bounded) while the contender's flow control has no room.
	 * @param payload the payload
	 * @throws Exception on failure
	 */
	void publish(byte[] payload) throws Exception;

	/**
	 * Wait until all publishes were acknowledged (or, for contenders that cannot tell,
	 * return at once).
	 * @param timeoutMillis the longest wait
	 * @throws Exception on failure or timeout
	 */
	void awaitPublished(long timeoutMillis) throws Exception;

	@Override
	void close();

}
