package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.mqttspring.core.MqttReasonCodes;

/**
 * When the connection tries again: at once after the loss of a connection that lasted,
 * else after a back-off ({@link ExponentialBackOff} from mqtt.reconnect-delay, doubled up
 * to mqtt.max-reconnect-delay), each delay shortened by up to 20 % at random so that many
 * clients do not reconnect in step; the longest delay after a refusal that waiting cures
 * (session taken over, bad credentials, not authorized). Holds the pending reconnect task.
 * <p>
 * Not thread-safe: the connection calls it under its lock.
 */
final class ReconnectScheduler {

	/** A connection that lasted this long resets the back-off when it is lost. */
	static final Duration STABLE_CONNECTION = Duration.ofSeconds(10);

	/**
	 * A connection lost after at least this long is tried again at once; one lost sooner
	 * (a broker that accepts and drops) waits the back-off, so that it cannot loop hot.
	 */
	static final Duration IMMEDIATE_RECONNECT_AFTER = Duration.ofSeconds(2);

	private static final int MAX_SETTLE_CHECKS = 100;

	private static final long SETTLE_CHECK_MILLIS = 20;

	private final ExponentialBackOff backOff;

	private BackOffExecution execution;

	private int failedAttempts;

	private int settleChecks;

	private @Nullable ScheduledFuture<?> task;

	/**
	 * Create a scheduler for the given back-off bounds.
	 * @param minDelay the first delay (mqtt.reconnect-delay)
	 * @param maxDelay the longest delay (mqtt.max-reconnect-delay); at least {@code minDelay}
	 */
	public ReconnectScheduler(Duration minDelay, Duration maxDelay) {
		long min = minDelay.toMillis();
		this.backOff = new ExponentialBackOff(min, 2.0);
		this.backOff.setMaxInterval(Math.max(min, maxDelay.toMillis()));
		this.execution = this.backOff.start();
	}

	/**
	 * Start the back-off afresh (a new start of the connection).
	 */
	public void reset() {
		this.failedAttempts = 0;
		this.execution = this.backOff.start();
	}

	/**
	 * Return the number of failed attempts since the back-off last started afresh.
	 * @return the number
	 */
	public int failedAttempts() {
		return this.failedAttempts;
	}

	/**
	 * Return the delay before the next attempt, and count the attempt.
	 * @param reasonCode the reason code of the failure or loss, -1 if none
	 * @param lost whether an established connection was lost (else an attempt failed)
	 * @param lasted how long the last connection lasted (since it was established)
	 * @param connecting whether the connection is still connecting (an attempt in progress)
	 * @return the delay in milliseconds
	 */
	public long nextDelay(int reasonCode, boolean lost, Duration lasted, boolean connecting) {
		if (lasted.compareTo(STABLE_CONNECTION) > 0 && !connecting) {
			reset();
		}
		if (reasonCode == MqttReasonCodes.SESSION_TAKEN_OVER || reasonCode == MqttReasonCodes.BAD_USER_NAME_OR_PASSWORD
				|| reasonCode == MqttReasonCodes.NOT_AUTHORIZED) {
			backOff();
			return withJitter(this.backOff.getMaxInterval());
		}
		if (lost && lasted.compareTo(IMMEDIATE_RECONNECT_AFTER) >= 0) {
			// the back-off starts afresh: a broker restarted twice a few seconds apart costs
			// about its downtime both times
			reset();
			return 0;
		}
		return withJitter(backOff());
	}

	private long backOff() {
		this.failedAttempts++;
		long delay = this.execution.nextBackOff();
		return (delay != BackOffExecution.STOP) ? delay : this.backOff.getMaxInterval();
	}

	static long withJitter(long delay) {
		long jitter = (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
		return Math.max(10, delay - jitter);
	}

	/**
	 * Return whether a reconnect task is scheduled and has not run yet.
	 * @return whether one is pending
	 */
	public boolean isPending() {
		return this.task != null && !this.task.isDone();
	}

	/**
	 * Schedule a reconnect task.
	 * @param scheduler the connection's scheduler
	 * @param reconnect the task
	 * @param delayMillis the delay
	 */
	public void schedule(ScheduledExecutorService scheduler, Runnable reconnect, long delayMillis) {
		this.task = scheduler.schedule(reconnect, delayMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Note that the scheduled task runs: a failure reported while it runs must schedule
	 * the next one.
	 */
	public void running() {
		this.task = null;
	}

	/**
	 * Schedule the reconnect task again shortly, for a client library that still reports
	 * the lost connection as connected (it updates its own state after reporting the
	 * loss); a bounded number of times.
	 * @param scheduler the connection's scheduler
	 * @param reconnect the task
	 * @return whether it was scheduled
	 */
	public boolean checkAgainWhenSettled(ScheduledExecutorService scheduler, Runnable reconnect) {
		if (this.settleChecks >= MAX_SETTLE_CHECKS || isPending()) {
			return false;
		}
		int checks = this.settleChecks + 1;
		try {
			this.task = scheduler.schedule(reconnect, SETTLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
		this.settleChecks = checks;
		return true;
	}

	/**
	 * Note that an attempt starts, which ends the settle checks.
	 */
	public void attempting() {
		this.settleChecks = 0;
	}

	/**
	 * Cancel the pending task, if any.
	 */
	public void cancel() {
		ScheduledFuture<?> current = this.task;
		this.task = null;
		if (current != null) {
			current.cancel(false);
		}
	}

}
