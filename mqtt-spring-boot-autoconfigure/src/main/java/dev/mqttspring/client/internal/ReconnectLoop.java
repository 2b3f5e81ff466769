package dev.mqttspring.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

import dev.mqttspring.client.KeepAliveProbe;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttReasonCodes;

/**
 * The reconnect loop of a connection: reports a failed attempt or a lost connection (state,
 * last failure, log, listeners; a lost connection also stops the keep-alive watchdog and
 * the credential renewal and tells the inbound dispatcher), then schedules the next attempt at the delay of its {@link ReconnectScheduler} (at once after the loss of a
 * connection that lasted, then mqtt.reconnect-delay doubled per failed attempt up to
 * mqtt.max-reconnect-delay, with jitter), never two pending at once, none once stopped or
 * with mqtt.automatic-reconnect=false. The scheduler and its back-off are replaced at
 * each start. Runs under the connection's lock where it changes the scheduler.
 */
public final class ReconnectLoop {

	private final MqttConnectionSettings settings;

	private final ReentrantLock lock;

	private final ConnectionStatus status;

	private final ClientHandle client;

	private final KeepAliveWatchdog keepAlive;

	private final CredentialRenewal renewal;

	private final InboundDispatcher inbound;

	private final FailedConnectLog failedConnects;

	private final BooleanSupplier running;

	private final Supplier<ScheduledExecutorService> scheduler;

	private final Runnable attempt;

	private final Log logger;

	private volatile ReconnectScheduler reconnect;

	/**
	 * Create the loop.
	 * @param settings the settings
	 * @param lock the connection's lock
	 * @param status the connection's state
	 * @param client the connection's client
	 * @param keepAlive the connection's keep-alive watchdog
	 * @param renewal the connection's credential renewal
	 * @param inbound the connection's inbound dispatcher
	 * @param running whether the connection runs
	 * @param scheduler the connection's current scheduler
	 * @param attempt starts a connect attempt
	 * @param logger the connection's logger
	 */
	public ReconnectLoop(MqttConnectionSettings settings, ReentrantLock lock, ConnectionStatus status, ClientHandle client,
			KeepAliveWatchdog keepAlive, CredentialRenewal renewal, InboundDispatcher inbound, BooleanSupplier running,
			Supplier<ScheduledExecutorService> scheduler, Runnable attempt, Log logger) {
		this.settings = settings;
		this.lock = lock;
		this.status = status;
		this.client = client;
		this.keepAlive = keepAlive;
		this.renewal = renewal;
		this.inbound = inbound;
		this.failedConnects = new FailedConnectLog(logger);
		this.running = running;
		this.scheduler = scheduler;
		this.attempt = attempt;
		this.logger = logger;
		this.reconnect = newScheduler();
	}

	private ReconnectScheduler newScheduler() {
		return new ReconnectScheduler(this.settings.getReconnectMinDelay(), this.settings.getReconnectMaxDelay());
	}

	/**
	 * Start afresh, reading the back-off settings again; called at each start.
	 */
	public void restart() {
		this.reconnect = newScheduler();
	}

	/**
	 * Cancel the pending attempt; called when the connection stops.
	 */
	public void cancel() {
		this.reconnect.cancel();
	}

	/**
	 * Report a connection: return how many attempts failed before it.
	 */
	public int connected() {
		return this.failedConnects.connected();
	}

	/**
	 * Report a failed connect attempt and schedule the next.
	 * @param failure the failure
	 * @param startingUp whether start() waits for this attempt and reports it itself
	 */
	public void failed(MqttConnectException failure, boolean startingUp) {
		this.status.failed(failure.getMessage());
		if (!this.running.getAsBoolean()) {
			return;
		}
		this.status.setState(MqttConnectionState.DISCONNECTED);
		this.failedConnects.failed(this.settings.getClientId(), failure.getMessage(), startingUp);
		this.status.notifyConnectionLost(failure.getMessage(), failure.getReasonCode());
		schedule(failure.getReasonCode(), failure.getMessage(), false);
	}

	/**
	 * An error escaped a thread of the client library that reads or delivers messages: the
	 * connection cannot be trusted (the thread may be gone and nothing reads the socket), so
	 * it is reported and dropped, and the loop connects again, at once after a connection
	 * that lasted. Never throws.
	 * @param thread the name of the thread
	 * @param error what it threw
	 */
	public void clientThreadFailed(String thread, Throwable error) {
		try {
			String cause = "the client library's thread '" + thread + "' failed with " + error;
			Object current = this.client.current();
			if (!this.running.getAsBoolean() || current == null) {
				return;
			}
			this.logger.error("MQTT client '" + this.settings.getClientId() + "': " + cause + "; dropping the connection and "
					+ "reconnecting", error);
			this.scheduler.get().execute(() -> {
				this.client.abort(current);
				lost(cause, -1);
			});
		}
		catch (Throwable ex) {
			// out of memory again, or stopping: the keep-alive watchdog is the fallback
		}
	}

	/**
	 * Report the loss of an established connection (on a {@link CallbackThread}) and
	 * schedule the next attempt.
	 * @param reportedCause the cause the client library or the keep-alive watchdog gave
	 * @param reasonCode the reason code, or -1
	 */
	public void lost(String reportedCause, int reasonCode) {
		if (!CallbackThread.isCurrent()) {
			CallbackThread.run(() -> lost(reportedCause, reasonCode));
			return;
		}
		if (!this.running.getAsBoolean()) {
			return;
		}
		// the watchdog dropped the connection: its reason, not the client library's I/O error
		String keepAliveLoss = this.keepAlive.takeLoss();
		String cause = (keepAliveLoss != null) ? keepAliveLoss : reportedCause;
		this.status.failed(cause);
		this.lock.lock();
		try {
			this.keepAlive.cancel();
			this.renewal.cancel();
			// the broker sends the unacknowledged ones again
			this.inbound.connectionLost();
			this.status.setState(MqttConnectionState.DISCONNECTED);
		}
		finally {
			this.lock.unlock();
		}
		this.status.disconnected();
		if (reasonCode == MqttReasonCodes.SESSION_TAKEN_OVER) {
			this.logger.error("MQTT client '" + this.settings.getClientId() + "' was disconnected because another client "
					+ "connected with the same client id (session taken over, 0x8E). Give each application instance its own "
					+ "mqtt.client-id; reconnecting with back-off");
		}
		else {
			this.logger.warn("MQTT client '" + this.settings.getClientId() + "' lost its connection: " + cause);
		}
		this.status.notifyConnectionLost(cause, reasonCode);
		schedule(reasonCode, cause, true);
	}

	/**
	 * Watch the broker's side of the keep-alive of a new connection (the server's keep-alive
	 * if it sent one, else mqtt.keep-alive), dropping a silent connection and reporting it
	 * as lost. Called under the lock.
	 * @param limits the broker's limits of the connection
	 */
	public void watchKeepAlive(MqttBrokerLimits limits) {
		Object current = this.client.current();
		long seconds = (limits.serverKeepAliveSeconds() >= 0) ? limits.serverKeepAliveSeconds()
				: this.settings.getKeepAlive().toSeconds();
		KeepAliveProbe probe = (seconds > 0) ? this.client.keepAliveProbe() : null;
		this.keepAlive.start(this.scheduler.get(), probe, seconds, (cause) -> {
			if (current != null) {
				this.client.abort(current);
			}
			lost(cause, -1);
		});
	}

	/**
	 * Schedule the next connect attempt.
	 * @param reasonCode the reason code of the failure or loss, or -1
	 * @param cause the failure in words
	 * @param lost whether an established connection was lost (else an attempt failed)
	 */
	public void schedule(int reasonCode, String cause, boolean lost) {
		this.lock.lock();
		try {
			ScheduledExecutorService executor = this.scheduler.get();
			if (!this.running.getAsBoolean() || !this.settings.isAutomaticReconnect() || executor.isShutdown()
					|| this.reconnect.isPending()) {
				return;
			}
			long delay = this.reconnect.nextDelay(reasonCode, lost, Duration.between(this.status.connectedAt(), Instant.now()),
					this.status.state() == MqttConnectionState.CONNECTING);
			this.logger.debug("MQTT client '" + this.settings.getClientId() + "' reconnects in " + delay + " ms (attempt "
					+ this.reconnect.failedAttempts() + ", last failure: " + cause + ")");
			this.reconnect.schedule(executor, this::reconnect, delay);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void reconnect() {
		this.lock.lock();
		try {
			this.reconnect.running();
		}
		finally {
			this.lock.unlock();
		}
		if (!this.running.getAsBoolean() || this.status.isConnected()) {
			return;
		}
		if (this.client.isConnected()) {
			// an immediate attempt can run before the client library updated its own state
			// after reporting the loss (HiveMQ): look again shortly, for a bounded time
			this.lock.lock();
			try {
				ScheduledExecutorService executor = this.scheduler.get();
				if (this.running.getAsBoolean() && !executor.isShutdown()) {
					this.reconnect.checkAgainWhenSettled(executor, this::reconnect);
				}
			}
			finally {
				this.lock.unlock();
			}
			return;
		}
		this.reconnect.attempting();
		this.attempt.run();
	}

}
