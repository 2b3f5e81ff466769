package dev.mqttspring.client.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.KeepAliveProbe;

/**
 * Watches the broker's side of the keep-alive (MQTT 5 and 3.1.1, 3.1.2.10): when nothing
 * arrived for a keep-alive, it makes sure a PINGREQ is on its way; when nothing arrived
 * for 1.5 times the keep-alive, it drops the connection, and reports the loss itself if
 * the client library does not. Client libraries check only on their own ping tick and
 * notice a frozen broker after up to twice the keep-alive.
 */
public final class KeepAliveWatchdog {

	static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private final Log logger;

	private final String clientId;

	private final BooleanSupplier connected;

	private @Nullable Watch watch;

	private @Nullable ScheduledFuture<?> task;

	private @Nullable String loss;

	/**
	 * Create a watchdog.
	 * @param logger the connection's logger
	 * @param clientId the client id, for log messages
	 * @param connected whether the connection is running and connected; checked before each
	 * look at the probe
	 */
	public KeepAliveWatchdog(Log logger, String clientId, BooleanSupplier connected) {
		this.logger = logger;
		this.clientId = clientId;
		this.connected = connected;
	}

	/**
	 * Start watching a new connection, replacing any earlier watch.
	 * @param scheduler the connection's scheduler
	 * @param probe the client's probe, or {@code null} to leave a silent broker to the
	 * client library
	 * @param seconds the keep-alive in seconds
	 * @param unreportedLoss called on the scheduler with the cause when the client library
	 * did not report the loss of a connection that the watchdog dropped
	 */
	public synchronized void start(ScheduledExecutorService scheduler, @Nullable KeepAliveProbe probe, long seconds,
			Consumer<String> unreportedLoss) {
		cancel();
		this.loss = null;
		if (probe == null || seconds <= 0 || probe.lastInboundNanos() == KeepAliveProbe.UNKNOWN) {
			return;
		}
		Watch started = new Watch(scheduler, probe, seconds, unreportedLoss);
		this.watch = started;
		schedule(started, started.pingNanos);
	}

	/**
	 * Stop watching (the connection is lost or closing).
	 */
	public synchronized void cancel() {
		this.watch = null;
		if (this.task != null) {
			this.task.cancel(false);
			this.task = null;
		}
	}

	/**
	 * Return, once, why the watchdog dropped the connection: the cause to report instead
	 * of the client library's I/O error.
	 * @return the cause, or {@code null} if the watchdog did not drop it
	 */
	public synchronized @Nullable String takeLoss() {
		String cause = this.loss;
		this.loss = null;
		return cause;
	}

	private void schedule(Watch watch, long delayNanos) {
		try {
			this.task = watch.scheduler.schedule(() -> check(watch), Math.max(delayNanos, MIN_DELAY_NANOS),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private void check(Watch watch) {
		Runnable action = null;
		synchronized (this) {
			if (this.watch != watch || !this.connected.getAsBoolean()) {
				return;
			}
			long now = System.nanoTime();
			long silent = now - watch.probe.lastInboundNanos();
			long next;
			if (silent >= watch.lossNanos) {
				String cause = this.loss;
				if (cause == null) {
					this.loss = "no packet from the broker within 1.5 x keep-alive (" + watch.seconds + " s)";
					this.logger.debug("MQTT client '" + this.clientId + "' heard nothing from the broker for "
							+ TimeUnit.NANOSECONDS.toMillis(silent) + " ms; dropping the connection");
					watch.droppedAt = now;
					action = watch.probe::drop;
				}
				else if (now - watch.droppedAt >= watch.dropGraceNanos) {
					// the client library did not report the loss of the dropped connection
					this.watch = null;
					try {
						watch.scheduler.execute(() -> watch.unreportedLoss.accept(cause));
					}
					catch (RejectedExecutionException ex) {
						// stopping
					}
					return;
				}
				next = watch.dropGraceNanos / 10;
			}
			else if (silent >= watch.pingNanos) {
				action = watch.probe::ping;
				next = watch.lossNanos - silent;
			}
			else {
				next = watch.pingNanos - silent;
			}
			schedule(watch, next);
		}
		if (action != null) {
			try {
				action.run();
			}
			catch (RuntimeException ex) {
				this.logger.warn("MQTT keep-alive watchdog of '" + this.clientId + "' failed", ex);
			}
		}
	}

	private static final class Watch {

		final ScheduledExecutorService scheduler;

		final KeepAliveProbe probe;

		final long seconds;

		final long pingNanos;

		final long lossNanos;

		final long dropGraceNanos;

		final Consumer<String> unreportedLoss;

		long droppedAt;

		Watch(ScheduledExecutorService scheduler, KeepAliveProbe probe, long seconds, Consumer<String> unreportedLoss) {
			this.scheduler = scheduler;
			this.probe = probe;
			this.seconds = seconds;
			this.unreportedLoss = unreportedLoss;
			this.pingNanos = TimeUnit.SECONDS.toNanos(seconds);
			this.lossNanos = this.pingNanos * 3 / 2;
			this.dropGraceNanos = Math.max(TimeUnit.SECONDS.toNanos(2), this.pingNanos / 2);
		}

	}

}
