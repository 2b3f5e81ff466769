package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Bounds the wait for CONNACK. The client libraries bound the TCP connect but not that
 * wait: a broker that accepts the socket and never answers (restarting, frozen) would leave
 * the connection CONNECTING forever. The watchdog aborts such an attempt so that the
 * reconnect loop tries again.
 */
final class ConnectWatchdog {

	private static final long GRACE_MILLIS = 2000;

	private final long timeoutMillis;

	/**
	 * Create a watchdog.
	 * @param connectionTimeout the connect timeout per server URI (mqtt.connection-timeout)
	 * @param serverUris the number of server URIs an attempt may try in turn
	 */
	public ConnectWatchdog(Duration connectionTimeout, int serverUris) {
		this.timeoutMillis = connectionTimeout.toMillis() * Math.max(1, serverUris) + GRACE_MILLIS;
	}

	/**
	 * Return how long an attempt may take: the connect timeout per server URI, plus 2 s.
	 * @return the time
	 */
	public Duration timeout() {
		return Duration.ofMillis(this.timeoutMillis);
	}

	/**
	 * Watch an attempt.
	 * @param scheduler the connection's scheduler
	 * @param settled set once the attempt succeeded or failed
	 * @param active whether the connection still runs
	 * @param timedOut called on the scheduler when the attempt did not settle in time; aborts
	 * it and reports the failure
	 */
	public void watch(ScheduledExecutorService scheduler, AtomicBoolean settled, BooleanSupplier active,
			Consumer<TimeoutException> timedOut) {
		try {
			scheduler.schedule(() -> {
				if (settled.get() || !active.getAsBoolean()) {
					return;
				}
				timedOut.accept(new TimeoutException("no CONNACK from the broker within " + this.timeoutMillis
						+ " ms (mqtt.connection-timeout per URL, plus 2 s)"));
			}, this.timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

}
