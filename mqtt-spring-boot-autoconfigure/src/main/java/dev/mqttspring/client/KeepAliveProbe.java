package dev.mqttspring.client;

/**
 * A client library's view of the broker's activity on the current connection, for the
 * connection's keep-alive watchdog; implemented by each backend.
 */
public interface KeepAliveProbe {

	/**
	 * The value of {@link #lastInboundNanos()} when the activity is not known.
	 */
	long UNKNOWN = Long.MIN_VALUE;

	/**
	 * Return the {@link System#nanoTime()} at which bytes last arrived from the broker.
	 * @return the time or {@link #UNKNOWN}, which turns the watchdog off
	 */
	long lastInboundNanos();

	/**
	 * Make sure that a PINGREQ is on its way, unless one is unanswered since the last
	 * bytes from the broker; called when nothing arrived for a keep-alive. Must not
	 * block or throw.
	 */
	void ping();

	/**
	 * Drop the network connection so that the client library reports its loss as it
	 * does for any broken connection. Must not block or throw.
	 */
	void drop();

}
