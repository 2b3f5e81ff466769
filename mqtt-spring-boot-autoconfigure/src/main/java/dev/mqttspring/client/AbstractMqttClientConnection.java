package dev.mqttspring.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.client.internal.CallbackThread;
import dev.mqttspring.client.internal.ConnectCredentials;
import dev.mqttspring.client.internal.ConnectFailures;
import dev.mqttspring.client.internal.ConnectWatchdog;
import dev.mqttspring.client.internal.InboundDispatcher;
import dev.mqttspring.client.internal.KeepAliveProbe;
import dev.mqttspring.client.internal.KeepAliveWatchdog;
import dev.mqttspring.client.internal.OutboundFlow;
import dev.mqttspring.client.internal.PendingPublish;
import dev.mqttspring.client.internal.ReconnectScheduler;
import dev.mqttspring.client.internal.SubscriptionRegistry;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttVersion;

/**
 * The connection shared by the client library backends (HiveMQ, Paho; MQTT 5 and 3.1.1):
 * lifecycle, connect attempts with credentials and their renewal, and connection state,
 * composed of the parts in {@code dev.mqttspring.client.internal}: reconnect scheduler,
 * connect and keep-alive watchdogs, outbound flow, subscription registry and inbound
 * dispatcher. Internal: a backend implements the client library operations; users never
 * see this type.
 *
 * @param <C> the client library's client type
 */
public abstract class AbstractMqttClientConnection<C> implements MqttConnection, SmartLifecycle {

	/**
	 * Lifecycle phase: after an embedded broker, before listener containers.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 2000;

	private static final Runnable NO_ACK = () -> {
	};

	protected final Log logger = LogFactory.getLog(getClass());

	private final FailedConnectLog failedConnects = new FailedConnectLog(this.logger);

	/**
	 * Whether {@link #start()} waits for the first attempt and reports its failure itself.
	 */
	private volatile boolean startingUp;

	protected final MqttConnectionSettings settings;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile ScheduledExecutorService scheduler;

	private final List<MqttConnectionListener> listeners = new CopyOnWriteArrayList<>();

	private final SubscriptionRegistry subscriptions = new SubscriptionRegistry();

	private final InboundDispatcher inbound;

	private final OutboundFlow outbound;

	private final InboundLimit inboundLimit;

	private final AtomicLong reconnects = new AtomicLong();

	private volatile MqttConnectionState state = MqttConnectionState.STOPPED;

	private volatile Instant stateChangedAt = Instant.now();

	private volatile @Nullable String lastFailure;

	private volatile boolean sessionPresent;

	private volatile @Nullable String connectedUri;

	private volatile MqttBrokerLimits brokerLimits;

	private volatile boolean running;

	private volatile boolean everConnected;

	private volatile Instant connectedAt = Instant.EPOCH;

	/** Replaced at each start, which reads the back-off settings again. */
	private volatile ReconnectScheduler reconnect;

	private final KeepAliveWatchdog keepAlive;

	private final ConnectCredentials credentials;

	private final ConnectFailures failures;

	private @Nullable ScheduledFuture<?> renewalTask;

	protected @Nullable C client;

	protected AbstractMqttClientConnection(MqttConnectionSettings settings) {
		if (settings.getEnhancedAuthenticator() != null && !supportsEnhancedAuthentication()) {
			// auto-configuration names the property first; this guards connections built by hand
			throw new IllegalStateException("MQTT client '" + settings.getClientId() + "' has an MqttEnhancedAuthenticator, "
					+ "but " + getClass().getSimpleName() + " (MQTT " + settings.getVersion().label() + ") cannot send AUTH "
					+ "packets: MQTT 5 enhanced authentication needs MQTT 5 and the HiveMQ client library");
		}
		this.settings = settings;
		this.credentials = new ConnectCredentials(settings);
		this.failures = new ConnectFailures(settings);
		this.outbound = new OutboundFlow(settings, new OutboundLink(), this.logger);
		this.brokerLimits = configuredLimits(MqttBrokerLimits.UNRESTRICTED);
		this.inboundLimit = new InboundLimit(settings.getMaxInboundPacketSize(), this.logger, settings.getClientId(),
				settings.getVersion());
		this.keepAlive = new KeepAliveWatchdog(this.logger, settings.getClientId(),
				() -> this.running && this.state == MqttConnectionState.CONNECTED);
		this.reconnect = new ReconnectScheduler(settings.getReconnectMinDelay(), settings.getReconnectMaxDelay());
		this.inbound = new InboundDispatcher(this.subscriptions, this.lock, this.logger);
		this.scheduler = newScheduler();
	}

	/**
	 * Return whether this backend sends MQTT 5 AUTH packets for an
	 * {@link dev.mqttspring.core.MqttEnhancedAuthenticator}; called by the constructor.
	 * @return {@code false} unless overridden
	 */
	protected boolean supportsEnhancedAuthentication() {
		return false;
	}

	private ScheduledExecutorService newScheduler() {
		return Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "mqtt-connection-" + this.settings.getClientId());
			thread.setDaemon(true);
			return thread;
		});
	}

	// ---- client library operations implemented per version

	protected abstract C createClient() throws Exception;

	/**
	 * Connect; the callback must be called exactly once.
	 */
	protected abstract void connectClient(C client, ConnectCallback callback) throws Exception;

	protected abstract void publishClient(C client, MqttOutboundMessage message, CompletionCallback callback)
			throws Exception;

	protected abstract void subscribeClient(C client, String filter, int qos, int subscriptionId,
			SubscribeCallback callback) throws Exception;

	/**
	 * Subscribe with MQTT 5 subscription options; MQTT 3.1.1 backends keep this default,
	 * which subscribes without them.
	 */
	protected void subscribeClient(C client, String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
			SubscribeCallback callback) throws Exception {
		subscribeClient(client, filter, qos, subscriptionId, callback);
	}

	protected abstract void unsubscribeClient(C client, String filter, CompletionCallback callback) throws Exception;

	protected abstract void acknowledgeClient(C client, int messageId, int qos) throws Exception;

	protected abstract void disconnectClient(C client, Duration timeout) throws Exception;

	protected abstract void closeClient(C client);

	protected abstract boolean isClientConnected(C client);

	protected abstract String describe(Throwable ex);

	protected abstract int reasonCodeOf(Throwable ex);

	/**
	 * Whether an exception from a publish call means "not connected right now".
	 */
	protected abstract boolean isNotConnected(Throwable ex);

	/**
	 * Return the UTF-8 bytes of a password, as MQTT sends it, wiping the intermediate
	 * buffer.
	 * @param chars the password
	 * @return the encoded password
	 */
	protected static byte[] utf8(char[] chars) {
		return ConnectCredentials.utf8(chars);
	}

	/**
	 * Return the keep-alive probe of the client's current connection, or {@code null} to
	 * leave the detection of a silent broker to the client library alone.
	 * @param client the client
	 * @return the probe or {@code null}
	 */
	protected @Nullable KeepAliveProbe keepAliveProbe(C client) {
		return null;
	}

	/**
	 * Whether the client library keeps a QoS 1/2 publish that failed with this exception
	 * and sends it again after reconnecting with the same session, reporting the outcome
	 * then. Paho reports the lost connection and resends; a library that fails the publish
	 * only when it gives it up returns {@code false}.
	 */
	protected boolean resendsAfterReconnect(Throwable ex) {
		return true;
	}

	// ---- MqttConnection

	@Override
	public String getClientId() {
		return this.settings.getClientId();
	}

	@Override
	public MqttVersion getVersion() {
		return this.settings.getVersion();
	}

	@Override
	public List<String> getServerUris() {
		return List.copyOf(this.settings.getServerUris());
	}

	@Override
	public @Nullable String getConnectedServerUri() {
		return (this.state == MqttConnectionState.CONNECTED) ? this.connectedUri : null;
	}

	@Override
	public MqttConnectionState getState() {
		return this.state;
	}

	@Override
	public boolean isSessionPresent() {
		return this.sessionPresent;
	}

	@Override
	public MqttBrokerLimits getBrokerLimits() {
		return this.brokerLimits;
	}

	@Override
	public @Nullable String getLastFailure() {
		return this.lastFailure;
	}

	@Override
	public Instant getStateChangedAt() {
		return this.stateChangedAt;
	}

	@Override
	public long getReconnectCount() {
		return this.reconnects.get();
	}

	@Override
	public long getTooLargeCount(String owner) {
		return this.inboundLimit.count(owner);
	}

	@Override
	public void addConnectionListener(MqttConnectionListener listener) {
		this.listeners.add(listener);
	}

	// ---- lifecycle

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void start() {
		this.lock.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			this.reconnect = new ReconnectScheduler(this.settings.getReconnectMinDelay(),
					this.settings.getReconnectMaxDelay());
			if (this.scheduler.isShutdown()) {
				// stopped before: stop() shuts the reconnect scheduler down
				this.scheduler = newScheduler();
			}
			try {
				this.client = createClient();
			}
			catch (Exception ex) {
				this.running = false;
				throw new MqttConnectException("Could not create the MQTT client for " + this.settings.getServerUris()
						+ ": " + ex.getMessage(), -1, ex);
			}
			openOutbox();
		}
		finally {
			this.lock.unlock();
		}
		try {
			connectFirst();
		}
		finally {
			replayOutbox();
		}
	}

	private void openOutbox() {
		try {
			this.outbound.open(this.scheduler);
		}
		catch (RuntimeException ex) {
			this.running = false;
			C created = this.client;
			this.client = null;
			if (created != null) {
				closeClient(created);
			}
			throw ex;
		}
	}

	private void replayOutbox() {
		this.outbound.replayOutbox();
	}

	private void connectFirst() {
		this.startingUp = true;
		CompletableFuture<Void> first = attemptConnect();
		Duration wait = connectWatchdog().timeout();
		try {
			first.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (this.settings.isFailFast()) {
				stop();
				throw (cause instanceof MqttConnectException mce) ? mce
						: new MqttConnectException(String.valueOf(cause), -1, cause);
			}
			this.logger.warn("MQTT client '" + getClientId() + "' could not connect at start-up: " + cause.getMessage()
					+ (this.settings.isAutomaticReconnect() ? "; the application starts and keeps trying in the background"
							+ " (set mqtt.fail-fast=true to fail start-up instead)" : ""));
		}
		catch (TimeoutException ex) {
			if (this.settings.isFailFast()) {
				stop();
				throw new MqttConnectException("Could not connect to " + this.settings.getServerUris() + " within "
						+ wait.toSeconds() + "s (mqtt.connection-timeout)", -1, ex);
			}
			this.logger.warn("MQTT client '" + getClientId() + "' is still connecting to " + this.settings.getServerUris()
					+ " after " + wait.toSeconds() + "s; the application starts and keeps trying in the background");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.startingUp = false;
		}
	}

	@Override
	public void stop() {
		List<PendingPublish> abandoned;
		C current;
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.reconnect.cancel();
			cancelKeepAliveWatchdog();
			cancelRenewal();
			abandoned = this.outbound.close();
			this.inbound.clear();
			this.subscriptions.dropDetached();
			current = this.client;
			this.client = null;
		}
		finally {
			this.lock.unlock();
		}
		this.outbound.abandon(abandoned);
		if (current != null) {
			try {
				if (isClientConnected(current)) {
					disconnectClient(current, this.settings.getShutdownTimeout());
				}
			}
			catch (Exception ex) {
				this.logger.debug("MQTT disconnect of '" + getClientId() + "' did not complete cleanly: " + ex.getMessage());
			}
			finally {
				closeClient(current);
			}
		}
		this.outbound.closeOutbox();
		setState(MqttConnectionState.STOPPED);
		this.connectedUri = null;
		this.scheduler.shutdownNow();
		this.logger.info("MQTT client '" + getClientId() + "' disconnected");
	}

	// ---- connecting

	private CompletableFuture<Void> attemptConnect() {
		CompletableFuture<Void> result = new CompletableFuture<>();
		C current = this.client;
		if (!this.running || current == null) {
			result.completeExceptionally(new MqttConnectException("MQTT connection '" + getClientId() + "' is stopped", -1, null));
			return result;
		}
		setState(MqttConnectionState.CONNECTING);
		AtomicBoolean settled = new AtomicBoolean();
		ConnectCallback callback = new ConnectCallback() {

			@Override
			public void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
				if (settled.compareAndSet(false, true)) {
					CallbackThread.run(() -> onConnected(configuredUri(serverUri), sessionPresent, limits));
					result.complete(null);
				}
			}

			@Override
			public void failed(Throwable ex) {
				if (settled.compareAndSet(false, true)) {
					MqttConnectException failure = connectFailure(ex);
					CallbackThread.run(() -> onConnectFailed(failure));
					result.completeExceptionally(failure);
				}
			}

		};
		if (!fetchCredentials(callback)) {
			return result;
		}
		try {
			try {
				connectClient(current, callback);
			}
			catch (Exception ex) {
				if (!isConnectInProgress(ex)) {
					throw ex;
				}
				// an earlier attempt that never got its CONNACK is stuck in the client: start afresh
				current = replaceClient(current);
				connectClient(current, callback);
			}
			scheduleConnectWatchdog(current, settled, callback);
		}
		catch (Exception ex) {
			callback.failed(ex);
		}
		return result;
	}

	private void scheduleConnectWatchdog(C current, AtomicBoolean settled, ConnectCallback callback) {
		connectWatchdog().watch(this.scheduler, settled, () -> this.running, (timeout) -> {
			abortClient(current);
			callback.failed(timeout);
		});
	}

	private ConnectWatchdog connectWatchdog() {
		return new ConnectWatchdog(this.settings.getConnectionTimeout(), this.settings.getServerUris().size());
	}

	private C replaceClient(C stuck) throws Exception {
		this.logger.warn("Replacing the MQTT client of '" + getClientId() + "' after a connect attempt that never completed");
		closeClient(stuck);
		this.outbound.clientReplaced();
		C fresh = createClient();
		this.lock.lock();
		try {
			this.client = fresh;
		}
		finally {
			this.lock.unlock();
		}
		return fresh;
	}

	/**
	 * Abort a connect attempt that is still in progress; must not throw.
	 */
	protected abstract void abortClient(C client);

	/**
	 * Whether an exception from a connect call means an earlier attempt is still running.
	 */
	protected abstract boolean isConnectInProgress(Throwable ex);

	/**
	 * Ask the credentials provider (if any) for the credentials of this attempt.
	 * @return whether the attempt may go on
	 */
	private boolean fetchCredentials(ConnectCallback callback) {
		MqttConnectException failure = this.credentials.fetch();
		if (failure != null) {
			callback.failed(failure);
			return false;
		}
		return true;
	}

	/**
	 * Return the user name of the current connection attempt: the credentials provider's,
	 * else the settings'.
	 * @return the user name, or {@code null}
	 */
	protected @Nullable String connectUsername() {
		return this.credentials.username();
	}

	/**
	 * Return the password of the current connection attempt: the credentials provider's,
	 * else the settings'.
	 * @return the password bytes, or {@code null}
	 */
	protected byte @Nullable [] connectPassword() {
		return this.credentials.password();
	}

	/**
	 * With credentials that expire, reconnect with fresh ones mqtt.credentials-renewal-margin
	 * before (at the latest halfway through their remaining life, at least a second on).
	 */
	private void scheduleRenewal() {
		cancelRenewal();
		Instant expiresAt = this.credentials.expiresAt();
		if (expiresAt == null) {
			return;
		}
		long delay = this.credentials.renewalDelayMillis(expiresAt, Instant.now());
		try {
			this.renewalTask = this.scheduler.schedule(() -> renewCredentials(expiresAt), delay, TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// stopping
		}
	}

	private void cancelRenewal() {
		ScheduledFuture<?> task = this.renewalTask;
		this.renewalTask = null;
		if (task != null) {
			task.cancel(false);
		}
	}

	/**
	 * Reconnect gracefully (DISCONNECT, so no Will) with fresh credentials before the current
	 * ones expire: publishes wait in the buffer meanwhile, and those in flight get their
	 * acknowledgements first (for up to mqtt.shutdown-timeout).
	 */
	private void renewCredentials(Instant expiresAt) {
		C current;
		this.lock.lock();
		try {
			if (!this.running || this.state != MqttConnectionState.CONNECTED) {
				return;
			}
			this.renewalTask = null;
			// publishers now wait in the buffer
			setState(MqttConnectionState.CONNECTING);
			current = this.client;
		}
		finally {
			this.lock.unlock();
		}
		this.logger.info("MQTT client '" + getClientId() + "' reconnects with fresh credentials before its current ones "
				+ "expire at " + expiresAt);
		this.outbound.awaitInFlight(this.settings.getShutdownTimeout());
		try {
			if (current != null && isClientConnected(current)) {
				disconnectClient(current, this.settings.getShutdownTimeout());
			}
		}
		catch (Exception ex) {
			this.logger.debug("MQTT disconnect of '" + getClientId() + "' before renewing its credentials did not complete "
					+ "cleanly: " + ex.getMessage());
		}
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			cancelKeepAliveWatchdog();
			// the broker sends the unacknowledged ones again
			this.inbound.connectionLost();
		}
		finally {
			this.lock.unlock();
		}
		attemptConnect();
	}

	private MqttConnectException connectFailure(Throwable ex) {
		return this.failures.failure(ex, reasonCodeOf(ex), describe(ex));
	}

	String configuredUri(String reported) {
		return this.failures.configuredUri(reported);
	}

	private void onConnected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
		boolean reconnect;
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			reconnect = this.everConnected;
			this.everConnected = true;
			this.connectedAt = Instant.now();
			this.sessionPresent = sessionPresent;
			this.connectedUri = serverUri;
			this.brokerLimits = configuredLimits(limits);
			this.outbound.connected(limits.receiveMaximum());
			this.lastFailure = null;
			// without a session the broker no longer has the filters of detached subscriptions
			List<SubscriptionRegistry.Entry> toSubscribe = this.subscriptions.toSubscribe(sessionPresent);
			// the SUBSCRIBE packets go out before anything published once the state reads
			// CONNECTED (a publisher polling the state, a connected(...) listener): without a
			// session the broker would route those publishes before the filters exist again.
			// The client libraries only queue them; their acknowledgements take the lock later
			for (SubscriptionRegistry.Entry entry : toSubscribe) {
				sendSubscribe(entry);
			}
			setState(MqttConnectionState.CONNECTED);
			startKeepAliveWatchdog(limits);
			scheduleRenewal();
		}
		finally {
			this.lock.unlock();
		}
		if (reconnect) {
			this.reconnects.incrementAndGet();
		}
		int failedAttempts = this.failedConnects.connected();
		if (failedAttempts > 1) {
			this.logger.info("MQTT client '" + getClientId() + "' connected after " + failedAttempts + " failed attempts");
		}
		this.logger.info("MQTT client '" + getClientId() + "' connected to " + serverUri + " (MQTT " + getVersion().label()
				+ ", session present: " + sessionPresent + ")");
		for (MqttConnectionListener listener : this.listeners) {
			safely(() -> listener.connected(serverUri, reconnect, sessionPresent));
		}
		this.outbound.resume(this.scheduler);
	}

	private void onConnectFailed(MqttConnectException failure) {
		this.lastFailure = failure.getMessage();
		if (!this.running) {
			return;
		}
		setState(MqttConnectionState.DISCONNECTED);
		// start() reports the failure of the attempt it waits for
		this.failedConnects.failed(getClientId(), failure.getMessage(), this.startingUp);
		for (MqttConnectionListener listener : this.listeners) {
			safely(() -> listener.connectionLost(failure.getMessage(), failure.getReasonCode()));
		}
		scheduleReconnect(failure.getReasonCode(), failure.getMessage(), false);
	}

	/**
	 * Called by subclasses when an error (such as an {@link OutOfMemoryError}) escaped a
	 * thread of the client library that reads or delivers messages: the connection cannot
	 * be trusted (the thread may be gone and nothing reads the socket), so it is reported
	 * and dropped, and the reconnect loop connects again, at once after a connection that
	 * lasted. Never throws.
	 * @param thread the name of the thread
	 * @param error what it threw
	 */
	protected final void clientThreadFailed(String thread, Throwable error) {
		try {
			String cause = "the client library's thread '" + thread + "' failed with " + error;
			C current = this.client;
			if (!this.running || current == null) {
				return;
			}
			this.logger.error("MQTT client '" + getClientId() + "': " + cause + "; dropping the connection and "
					+ "reconnecting", error);
			this.scheduler.execute(() -> {
				abortClient(current);
				onConnectionLost(cause, -1);
			});
		}
		catch (Throwable ex) {
			// out of memory again, or stopping: the keep-alive watchdog is the fallback
		}
	}

	/**
	 * Called by subclasses when an established connection is lost or closed by the broker.
	 */
	protected void onConnectionLost(String reportedCause, int reasonCode) {
		if (!CallbackThread.isCurrent()) {
			CallbackThread.run(() -> onConnectionLost(reportedCause, reasonCode));
			return;
		}
		if (!this.running) {
			return;
		}
		// the watchdog dropped the connection: its reason, not the client library's I/O error
		String keepAlive = this.keepAlive.takeLoss();
		String cause = (keepAlive != null) ? keepAlive : reportedCause;
		this.lastFailure = cause;
		this.lock.lock();
		try {
			cancelKeepAliveWatchdog();
			cancelRenewal();
			// the broker sends the unacknowledged ones again
			this.inbound.connectionLost();
			setState(MqttConnectionState.DISCONNECTED);
		}
		finally {
			this.lock.unlock();
		}
		this.connectedUri = null;
		if (reasonCode == MqttReasonCodes.SESSION_TAKEN_OVER) {
			this.logger.error("MQTT client '" + getClientId() + "' was disconnected because another client connected with "
					+ "the same client id (session taken over, 0x8E). Give each application instance its own mqtt.client-id; "
					+ "reconnecting with back-off");
		}
		else {
			this.logger.warn("MQTT client '" + getClientId() + "' lost its connection: " + cause);
		}
		for (MqttConnectionListener listener : this.listeners) {
			safely(() -> listener.connectionLost(cause, reasonCode));
		}
		scheduleReconnect(reasonCode, cause, true);
	}

	/**
	 * Schedule the next connect attempt: at once after the loss of a connection that lasted
	 * (a broker restart costs about its own downtime), then after mqtt.reconnect-delay,
	 * doubled per failed attempt up to mqtt.max-reconnect-delay, each shortened by up to 20 %
	 * at random so that many clients do not reconnect in step.
	 */
	private void scheduleReconnect(int reasonCode, String cause, boolean lost) {
		this.lock.lock();
		try {
			if (!this.running || !this.settings.isAutomaticReconnect() || this.scheduler.isShutdown()
					|| this.reconnect.isPending()) {
				return;
			}
			long delay = this.reconnect.nextDelay(reasonCode, lost, Duration.between(this.connectedAt, Instant.now()),
					this.state == MqttConnectionState.CONNECTING);
			this.logger.debug("MQTT client '" + getClientId() + "' reconnects in " + delay + " ms (attempt "
					+ this.reconnect.failedAttempts() + ", last failure: " + cause + ")");
			this.reconnect.schedule(this.scheduler, this::reconnect, delay);
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
		if (!this.running || this.state == MqttConnectionState.CONNECTED) {
			return;
		}
		C current = this.client;
		if (current != null && isClientConnected(current)) {
			// an immediate attempt can run before the client library updated its own state
			// after reporting the loss (HiveMQ): look again shortly, for a bounded time
			this.lock.lock();
			try {
				if (this.running && !this.scheduler.isShutdown()) {
					this.reconnect.checkAgainWhenSettled(this.scheduler, this::reconnect);
				}
			}
			finally {
				this.lock.unlock();
			}
			return;
		}
		this.reconnect.attempting();
		attemptConnect();
	}

	// ---- keep-alive watchdog

	/**
	 * Watch the broker's side of the keep-alive of the new connection. Called under the lock.
	 */
	private void startKeepAliveWatchdog(MqttBrokerLimits limits) {
		C current = this.client;
		long seconds = (limits.serverKeepAliveSeconds() >= 0) ? limits.serverKeepAliveSeconds()
				: this.settings.getKeepAlive().toSeconds();
		KeepAliveProbe probe = (current != null && seconds > 0) ? keepAliveProbe(current) : null;
		this.keepAlive.start(this.scheduler, probe, seconds, (cause) -> {
			if (current != null) {
				abortClient(current);
			}
			onConnectionLost(cause, -1);
		});
	}

	private void cancelKeepAliveWatchdog() {
		this.keepAlive.cancel();
	}

	private MqttBrokerLimits configuredLimits(MqttBrokerLimits limits) {
		return new MqttBrokerLimits(Math.min(limits.maximumQos(), this.settings.getMaxQos()),
				Math.min(limits.maximumPacketSize(), this.settings.getMaxPacketSize()), limits.retainAvailable(),
				limits.wildcardSubscriptionAvailable(), limits.sharedSubscriptionAvailable(),
				limits.subscriptionIdentifiersAvailable(), limits.receiveMaximum(), limits.topicAliasMaximum(),
				limits.serverKeepAliveSeconds());
	}

	private void setState(MqttConnectionState newState) {
		if (this.state != newState) {
			this.state = newState;
			this.stateChangedAt = Instant.now();
		}
	}

	// ---- publishing

	@Override
	public CompletableFuture<Void> publish(MqttOutboundMessage message) {
		return this.outbound.publish(message);
	}

	@Override
	public int getBufferedMessages() {
		return this.outbound.bufferedMessages();
	}

	@Override
	public long getBufferedBytes() {
		return this.outbound.bufferedBytes();
	}

	@Override
	public long getBlockedPublishCount() {
		return this.outbound.blockedCount();
	}

	@Override
	public long getBlockedPublishNanos() {
		return this.outbound.blockedNanos();
	}

	@Override
	public boolean isOutboxEnabled() {
		return this.settings.getOutboxDirectory() != null;
	}

	@Override
	public int getOutboxMessages() {
		return this.outbound.outboxMessages();
	}

	@Override
	public long getOutboxBytes() {
		return this.outbound.outboxBytes();
	}

	@Override
	public long getOutboxReplayed() {
		return this.outbound.outboxReplayed();
	}

	/**
	 * The outbound flow's view of this connection and its client.
	 */
	private final class OutboundLink implements OutboundFlow.Link {

		@Override
		public boolean isRunning() {
			return AbstractMqttClientConnection.this.running;
		}

		@Override
		public boolean isConnected() {
			return AbstractMqttClientConnection.this.state == MqttConnectionState.CONNECTED;
		}

		@Override
		public String disconnectedBecause() {
			String failure = AbstractMqttClientConnection.this.lastFailure;
			return (failure != null) ? failure : String.valueOf(AbstractMqttClientConnection.this.state);
		}

		@Override
		public boolean send(MqttOutboundMessage message, OutboundFlow.Completion completion) throws Exception {
			C current = AbstractMqttClientConnection.this.client;
			if (current == null) {
				return false;
			}
			publishClient(current, message, new CompletionCallback() {

				@Override
				public void completed(int reasonCode) {
					completion.completed(reasonCode);
				}

				@Override
				public void failed(Throwable ex) {
					completion.failed(ex);
				}

			});
			return true;
		}

		@Override
		public int reasonCodeOf(Throwable ex) {
			return AbstractMqttClientConnection.this.reasonCodeOf(ex);
		}

		@Override
		public String describe(Throwable ex) {
			return AbstractMqttClientConnection.this.describe(ex);
		}

		@Override
		public boolean isNotConnected(Throwable ex) {
			return AbstractMqttClientConnection.this.isNotConnected(ex);
		}

		@Override
		public boolean resendsAfterReconnect(Throwable ex) {
			return AbstractMqttClientConnection.this.resendsAfterReconnect(ex);
		}

	}

	// ---- subscribing

	@Override
	public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
		SubscriptionRegistry.Entry entry;
		boolean send;
		CompletableFuture<MqttSubscriptionResult> future = new CompletableFuture<>();
		this.lock.lock();
		try {
			entry = this.subscriptions.add(subscription, getClientId());
			if (this.inbound.hasParked() && !this.scheduler.isShutdown()) {
				this.scheduler.execute(this.inbound::redeliverParked);
			}
			MqttSubscriptionResult known = entry.resultOrWait(future);
			if (known != null) {
				future.complete(known);
				return future;
			}
			send = this.state == MqttConnectionState.CONNECTED;
		}
		finally {
			this.lock.unlock();
		}
		if (send) {
			sendSubscribe(entry);
		}
		return future;
	}

	private void sendSubscribe(SubscriptionRegistry.Entry entry) {
		C current = this.client;
		int requested = entry.requestedQos();
		if (current == null || requested < 0) {
			return;
		}
		// mqtt.max-qos caps subscriptions too (AWS IoT, Azure IoT Hub refuse QoS 2)
		int qos = Math.min(requested, this.settings.getMaxQos());
		int id = this.brokerLimits.subscriptionIdentifiersAvailable() ? entry.id() : 0;
		if (MqttTopics.isShared(entry.filter()) && !this.brokerLimits.sharedSubscriptionAvailable()) {
			// a SUBSCRIBE to a shared filter would be a protocol error on this broker
			this.logger.error("Listener(s) " + entry.owners() + " subscribe to the shared subscription '" + entry.filter()
					+ "', but the broker announced in its CONNACK that it does not support shared subscriptions "
					+ "(Shared Subscription Available = 0); the subscription is refused without sending it. Remove 'group' "
					+ "(each instance then receives every message) or use a broker with shared subscriptions");
			onSubscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, 0x9E));
			return;
		}
		try {
			subscribeClient(current, entry.filter(), qos, id, entry.options(), new SubscribeCallback() {

				@Override
				public void subscribed(int reasonCode) {
					onSubscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, reasonCode));
				}

				@Override
				public void failed(Throwable ex) {
					int code = reasonCodeOf(ex);
					if (code >= 0x80) {
						onSubscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, code));
					}
					else {
						AbstractMqttClientConnection.this.logger.warn("Subscribing to '" + entry.filter() + "' failed: " + describe(ex)
								+ "; it is retried after the next reconnect");
					}
				}

			});
		}
		catch (IllegalArgumentException ex) {
			// the client refuses locally, e.g. a broker without shared or wildcard subscriptions
			int code = MqttTopics.isShared(entry.filter()) ? 0x9E : 0xA2;
			this.logger.debug("Client refused subscription locally: " + ex.getMessage());
			onSubscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, code));
		}
		catch (Exception ex) {
			this.logger.warn("Subscribing to '" + entry.filter() + "' failed: " + describe(ex)
					+ "; it is retried after the next reconnect");
		}
	}

	private void onSubscribed(SubscriptionRegistry.Entry entry, MqttSubscriptionResult result) {
		List<CompletableFuture<MqttSubscriptionResult>> waiting;
		this.lock.lock();
		try {
			waiting = this.subscriptions.subscribed(entry, result);
		}
		finally {
			this.lock.unlock();
		}
		if (!result.isGranted()) {
			this.logger.error("The broker refused the subscription to '" + entry.filter() + "' (listeners "
					+ entry.owners() + "): " + result.reason());
		}
		else if (result.isDowngraded()) {
			this.logger.warn("The broker granted the subscription to '" + entry.filter() + "' with QoS " + result.grantedQos()
					+ " instead of the requested QoS " + result.requestedQos());
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("Subscribed to '" + entry.filter() + "' with QoS " + result.grantedQos());
		}
		for (MqttConnectionListener listener : this.listeners) {
			safely(() -> listener.subscribed(result));
		}
		waiting.forEach((future) -> future.complete(result));
	}

	@Override
	public CompletableFuture<Void> unsubscribe(MqttSubscription subscription) {
		SubscriptionRegistry.Entry entry;
		boolean send;
		this.lock.lock();
		try {
			entry = this.subscriptions.remove(subscription);
			if (entry == null) {
				return CompletableFuture.completedFuture(null);
			}
			send = this.state == MqttConnectionState.CONNECTED && entry.isSubscribedInSession();
		}
		finally {
			this.lock.unlock();
		}
		CompletableFuture<Void> future = new CompletableFuture<>();
		C current = this.client;
		if (!send || current == null) {
			future.complete(null);
			return future;
		}
		try {
			unsubscribeClient(current, entry.filter(), new CompletionCallback() {

				@Override
				public void completed(int reasonCode) {
					future.complete(null);
				}

				@Override
				public void failed(Throwable ex) {
					future.completeExceptionally(new MqttDeliveryException("Unsubscribing from '" + entry.filter() + "' failed: "
							+ describe(ex), reasonCodeOf(ex), ex));
				}

			});
		}
		catch (Exception ex) {
			future.completeExceptionally(new MqttDeliveryException("Unsubscribing from '" + entry.filter() + "' failed: "
					+ describe(ex), MqttDeliveryException.NO_REASON_CODE, ex));
		}
		return future;
	}

	@Override
	public CompletableFuture<Void> detach(MqttSubscription subscription) {
		this.lock.lock();
		try {
			if (this.subscriptions.detach(subscription) && this.logger.isDebugEnabled()) {
				this.logger.debug("Subscription to '" + subscription.getFilter() + "' (" + subscription.getOwner()
						+ ") detached; the broker keeps it in the session");
			}
		}
		finally {
			this.lock.unlock();
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public boolean isSessionPersistent() {
		return !this.settings.isCleanStart()
				&& (this.settings.getVersion() != MqttVersion.V5 || !this.settings.getSessionExpiry().isZero());
	}

	@Override
	public List<SubscriptionState> getSubscriptions() {
		this.lock.lock();
		try {
			return this.subscriptions.states();
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- receiving

	/**
	 * Dispatch an incoming message to every matching subscription; called by subclasses
	 * on the client's delivery thread. Never throws.
	 */
	protected void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties) {
		dispatch(topic, payload, qos, retained, duplicate, messageId, properties, NO_ACK);
	}

	/**
	 * Dispatch an incoming message like {@link #dispatch(String, byte[], int, boolean,
	 * boolean, int, MqttMessageProperties)} and run {@code processed} when it is
	 * acknowledged (every matching listener is done with it), after the acknowledgement
	 * went to the client library. Never throws.
	 */
	protected void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable processed) {
		Runnable ack;
		if (qos == 0) {
			ack = processed;
		}
		else if (processed == NO_ACK) {
			ack = () -> acknowledge(messageId, qos);
		}
		else {
			ack = () -> {
				acknowledge(messageId, qos);
				processed.run();
			};
		}
		if (!acceptInbound(topic, payload.length, qos)) {
			ack.run();
			return;
		}
		this.inbound.dispatch(new InboundDispatcher.Incoming(topic, payload, qos, retained, duplicate, messageId,
				properties, ack, !isRedeliveredAfterLoss(qos)));
	}

	/**
	 * Whether two filters of this connection can match the same topic, so that a broker may
	 * send a message once per matching subscription and the copies are told apart by their
	 * subscription identifiers. When not, a backend that must work to read the identifiers
	 * can take them from {@link #soleMatchingFilter(String)} instead.
	 * @return whether filters overlap
	 */
	protected final boolean subscriptionsMayOverlap() {
		return this.subscriptions.mayOverlap();
	}

	/**
	 * Return the one filter of this connection that a topic matches.
	 * @param topic the topic
	 * @return the filter, {@code null} when none or several match
	 */
	protected final @Nullable String soleMatchingFilter(String topic) {
		SubscriptionRegistry.Entry entry = this.subscriptions.soleMatch(topic);
		return (entry != null) ? entry.filter() : null;
	}

	/**
	 * Return whether an incoming message fits {@code mqtt.max-inbound-packet-size}; when it
	 * does not, count it for the listeners whose subscriptions match its topic and log it
	 * (never its payload). A backend calls this before it converts the client library's
	 * message, and acknowledges a QoS 1/2 message it drops.
	 * @param topic the topic
	 * @param payloadSize the payload's size in bytes
	 * @param qos the QoS
	 * @return whether to deliver the message
	 */
	protected final boolean acceptInbound(String topic, long payloadSize, int qos) {
		long size = InboundLimit.packetSize(topic, payloadSize, qos);
		if (this.inboundLimit.fits(size)) {
			return true;
		}
		this.inboundLimit.dropped(topic, size, qos, this.subscriptions.owners(topic));
		return false;
	}

	/**
	 * Return whether the broker sends a QoS 1/2 message again when the connection is lost
	 * before the application acknowledged it. Messages it does not send again are held
	 * across a connection loss while no subscription matches them.
	 * @param qos the message's QoS
	 * @return {@code true} unless the client library acknowledges such messages on its own
	 */
	protected boolean isRedeliveredAfterLoss(int qos) {
		return true;
	}

	private void acknowledge(int messageId, int qos) {
		C current = this.client;
		if (current == null) {
			return;
		}
		try {
			acknowledgeClient(current, messageId, qos);
		}
		catch (Exception ex) {
			this.logger.debug("Could not acknowledge message " + messageId + " (connection lost?); the broker redelivers it"
					+ " if the session is kept: " + ex.getMessage());
		}
	}

	private void safely(Runnable runnable) {
		try {
			runnable.run();
		}
		catch (Throwable ex) {
			this.logger.error("MQTT connection listener failed", ex);
		}
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{clientId=" + getClientId() + ", serverUris=" + this.settings.getServerUris()
				+ ", version=" + getVersion() + ", state=" + this.state + "}";
	}

	// ---- types

	public interface ConnectCallback {

		void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits);

		void failed(Throwable ex);

	}

	public interface CompletionCallback {

		void completed(int reasonCode);

		void failed(Throwable ex);

	}

	public interface SubscribeCallback {

		void subscribed(int reasonCode);

		void failed(Throwable ex);

	}

}
