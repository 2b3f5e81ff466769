package dev.mqttspring.paho;

import java.lang.reflect.Field;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.KeepAliveProbe;

/**
 * Paho's ping sender, replaced, and the keep-alive probe of the connection's watchdog.
 * Like Paho's {@code TimerPingSender} it runs Paho's keep-alive check when Paho asks for
 * it, but keeps one pending check instead of adding a timer task on every request, and
 * it does not let that check call a connection lost after a single keep-alive of silence
 * while a PINGREQ is unanswered: the watchdog does that after 1.5 keep-alives.
 * <p>
 * The broker's activity and the unanswered PINGREQs are read from Paho's
 * {@code ClientState} (Paho 1.2.5 has no accessors for them); when they cannot be read
 * the probe reports {@link KeepAliveProbe#UNKNOWN}, the watchdog stays off and Paho's
 * own check applies unchanged.
 */
abstract class PahoKeepAlive implements KeepAliveProbe {

	private static final Log logger = LogFactory.getLog(PahoKeepAlive.class);

	private final String clientId;

	private final Object monitor = new Object();

	private @Nullable ScheduledExecutorService executor;

	private @Nullable ScheduledFuture<?> pending;

	private volatile long pingQueuedAt = UNKNOWN;

	private volatile @Nullable ClientStateAccess access;

	private volatile boolean accessResolved;

	PahoKeepAlive(String clientId) {
		this.clientId = clientId;
	}

	/**
	 * Return Paho's {@code ClientState} of the client.
	 */
	protected abstract @Nullable Object clientState();

	/**
	 * Return the keep-alive in effect, in milliseconds.
	 */
	protected abstract long keepAliveMillis();

	/**
	 * Run Paho's keep-alive check.
	 * @return whether it queued a PINGREQ
	 */
	protected abstract boolean checkForActivity();

	/**
	 * Close the network connection of the client.
	 */
	protected abstract void closeNetwork() throws Exception;

	// ---- MqttPingSender

	public void start() {
		synchronized (this.monitor) {
			if (this.executor == null || this.executor.isShutdown()) {
				this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
					Thread thread = new Thread(runnable, "MQTT Ping: " + this.clientId);
					thread.setDaemon(true);
					return thread;
				});
			}
		}
		schedule(keepAliveMillis());
	}

	public void stop() {
		synchronized (this.monitor) {
			if (this.pending != null) {
				this.pending.cancel(false);
				this.pending = null;
			}
			if (this.executor != null) {
				this.executor.shutdown();
				this.executor = null;
			}
		}
	}

	public void schedule(long delayInMilliseconds) {
		synchronized (this.monitor) {
			if (this.executor == null) {
				return;
			}
			if (this.pending != null) {
				this.pending.cancel(false);
			}
			try {
				this.pending = this.executor.schedule(this::scheduledCheck, Math.max(1, delayInMilliseconds),
						TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopped
			}
		}
	}

	private void scheduledCheck() {
		ClientStateAccess state = access();
		long keepAlive = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis());
		if (state != null && keepAlive > 0) {
			long silent;
			boolean unanswered;
			synchronized (state.pingLock) {
				silent = System.nanoTime() - state.lastInbound();
				unanswered = state.pingOutstanding() > 0 || pingQueuedSince(state.lastInbound());
			}
			if (unanswered && silent >= keepAlive && silent < 2 * keepAlive) {
				// Paho would call the connection lost now; the watchdog does at 1.5 x keep-alive,
				// Paho stays the backstop at 2 x
				schedule(TimeUnit.NANOSECONDS.toMillis(2 * keepAlive - silent) + 1);
				return;
			}
		}
		queuePing();
	}

	private boolean pingQueuedSince(long time) {
		long queuedAt = this.pingQueuedAt;
		return queuedAt != UNKNOWN && queuedAt - time >= 0;
	}

	/**
	 * Run Paho's check (on the ping thread only: it may shut the connection down).
	 */
	private void queuePing() {
		// the time before the check: on a fast link the PINGRESP arrives before the check returns
		long before = System.nanoTime();
		if (checkForActivity()) {
			this.pingQueuedAt = before;
		}
	}

	// ---- KeepAliveProbe

	@Override
	public long lastInboundNanos() {
		ClientStateAccess state = access();
		return (state != null) ? state.lastInbound() : UNKNOWN;
	}

	@Override
	public void ping() {
		synchronized (this.monitor) {
			if (this.executor != null) {
				try {
					this.executor.execute(this::pingIfNothingOutstanding);
				}
				catch (RejectedExecutionException ex) {
					// stopped
				}
			}
		}
	}

	private void pingIfNothingOutstanding() {
		ClientStateAccess state = access();
		if (state == null) {
			return;
		}
		boolean outstanding;
		synchronized (state.pingLock) {
			outstanding = state.pingOutstanding() > 0 || pingQueuedSince(state.lastInbound());
		}
		if (!outstanding) {
			// nothing outstanding: Paho's check sends a PINGREQ and does not call the connection lost
			queuePing();
		}
	}

	@Override
	public void drop() {
		Thread thread = new Thread(() -> {
			try {
				closeNetwork();
			}
			catch (Exception ex) {
				logger.debug("Closing the network connection of MQTT client '" + this.clientId + "' failed: " + ex);
			}
		}, "mqtt-keep-alive-drop-" + this.clientId);
		thread.setDaemon(true);
		thread.start();
	}

	private @Nullable ClientStateAccess access() {
		if (!this.accessResolved) {
			Object state = clientState();
			if (state == null) {
				return null;
			}
			this.access = ClientStateAccess.of(state);
			this.accessResolved = true;
		}
		return this.access;
	}

	/**
	 * Reads the private fields of Paho's {@code ClientState} (the same in both clients).
	 */
	private static final class ClientStateAccess {

		private final Object state;

		private final Field lastInboundActivity;

		private final Field pingOutstanding;

		final Object pingLock;

		private ClientStateAccess(Object state, Field lastInboundActivity, Field pingOutstanding, Object pingLock) {
			this.state = state;
			this.lastInboundActivity = lastInboundActivity;
			this.pingOutstanding = pingOutstanding;
			this.pingLock = pingLock;
		}

		static @Nullable ClientStateAccess of(Object state) {
			try {
				Class<?> type = state.getClass();
				Field lastInbound = type.getDeclaredField("lastInboundActivity");
				Field outstanding = type.getDeclaredField("pingOutstanding");
				Field lock = type.getDeclaredField("pingOutstandingLock");
				lastInbound.setAccessible(true);
				outstanding.setAccessible(true);
				lock.setAccessible(true);
				if (lastInbound.getType() != long.class || outstanding.getType() != int.class) {
					throw new NoSuchFieldException("unexpected field types");
				}
				return new ClientStateAccess(state, lastInbound, outstanding, lock.get(state));
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.warn("Could not read Paho's keep-alive state (" + ex + "); a broker that stops answering is"
						+ " detected by Paho alone, after up to 2 x keep-alive");
				return null;
			}
		}

		long lastInbound() {
			try {
				return this.lastInboundActivity.getLong(this.state);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}

		int pingOutstanding() {
			try {
				return this.pingOutstanding.getInt(this.state);
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
