package dev.mqttspring.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;

/**
 * Logs failed connect attempts at a rate a person can read: each at DEBUG; at WARN the
 * first of a run of failures, then at most once per interval a summary with the number of
 * failed attempts, until the connection is established again.
 *
 * @author mqtt-spring-boot
 */
final class FailedConnectLog {

	/**
	 * How often a run of failed attempts is summarized at WARN.
	 */
	static final Duration INTERVAL = Duration.ofMinutes(1);

	private final Log logger;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private int failures;

	private Instant since = Instant.EPOCH;

	private long lastWarning;

	public FailedConnectLog(Log logger) {
		this(logger, INTERVAL, System::nanoTime);
	}

	FailedConnectLog(Log logger, Duration interval, LongSupplier nanoTime) {
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Record a failed attempt.
	 * @param clientId the client id
	 * @param cause the failure in words
	 * @param reported whether the caller reports this failure itself (at start-up), so
	 * that the first failure of a run is not logged twice
	 */
	public synchronized void failed(String clientId, String cause, boolean reported) {
		this.failures++;
		long now = this.nanoTime.getAsLong();
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("MQTT connect attempt " + this.failures + " of '" + clientId + "' failed: " + cause);
		}
		if (this.failures == 1) {
			this.since = Instant.now();
			this.lastWarning = now;
			if (!reported) {
				this.logger.warn(cause + "; further failed attempts are logged at most every "
						+ Duration.ofNanos(this.intervalNanos).toSeconds() + " s (each at DEBUG)");
			}
			return;
		}
		if (now - this.lastWarning >= this.intervalNanos) {
			this.lastWarning = now;
			this.logger.warn("MQTT client '" + clientId + "' still cannot connect: " + this.failures
					+ " failed attempts since " + this.since + "; the last: " + cause);
		}
	}

	/**
	 * Record that the connection is established; return how many attempts failed before.
	 * @return the number of failed attempts since the last success
	 */
	public synchronized int connected() {
		int failed = this.failures;
		this.failures = 0;
		return failed;
	}

}
