package dev.mqttspring.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.client.MqttClientAdapter.CompletionCallback;
import dev.mqttspring.client.MqttClientAdapter.ConnectCallback;
import dev.mqttspring.client.MqttClientAdapter.SubscribeCallback;
import dev.mqttspring.client.internal.CallbackThread;
import dev.mqttspring.client.internal.ConnectCredentials;
import dev.mqttspring.client.internal.ClientHandle;
import dev.mqttspring.client.internal.ConnectAttempts;
import dev.mqttspring.client.internal.ConnectionStatus;
import dev.mqttspring.client.internal.CredentialRenewal;
import dev.mqttspring.client.internal.InboundDispatcher;
import dev.mqttspring.client.internal.KeepAliveWatchdog;
import dev.mqttspring.client.internal.OutboundFlow;
import dev.mqttspring.client.internal.PendingPublish;
import dev.mqttspring.client.internal.ReconnectScheduler;
import dev.mqttspring.client.internal.SubscribeCalls;
import dev.mqttspring.client.internal.SubscriptionRegistry;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttVersion;

/**
 * The connection of every client library backend (HiveMQ, Paho; MQTT 5 and 3.1.1):
 * lifecycle, connect attempts with credentials and their renewal, and connection state,
 * composed of the parts in {@code dev.mqttspring.client.internal} (reconnect scheduler,
 * connect and keep-alive watchdogs, connection status, outbound flow, subscribe calls,
 * subscription registry and inbound dispatcher) over the {@link MqttClientAdapter} of its
 * backend. Internal: users never see this type.
 */
public final class DefaultMqttConnection implements MqttConnection, SmartLifecycle {

	/**
	 * Lifecycle phase: after an embedded broker, before listener containers.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 2000;

	private static final Runnable NO_ACK = () -> {
	};

	private final Log logger;

	private final FailedConnectLog failedConnects;

	/**
	 * Whether {@link #start()} waits for the first attempt and reports its failure itself.
	 */
	private volatile boolean startingUp;

	private final MqttConnectionSettings settings;

	private final MqttClientAdapter<Object> adapter;

	private final ClientHandle client;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile ScheduledExecutorService scheduler;

	private final ConnectionStatus status;

	private final SubscriptionRegistry subscriptions = new SubscriptionRegistry();

	private final SubscribeCalls subscribeCalls;

	private final InboundDispatcher inbound;

	private final OutboundFlow outbound;

	private final InboundLimit inboundLimit;

	private volatile boolean running;

	/** Replaced at each start, which reads the back-off settings again. */
	private volatile ReconnectScheduler reconnect;

	private final KeepAliveWatchdog keepAlive;

	private final ConnectCredentials credentials;

	private final ConnectAttempts attempts;

	private final CredentialRenewal renewal;

	/**
	 * Create a connection over the adapter that the factory creates for it.
	 * @param <C> the client library's client type
	 * @param settings the settings
	 * @param adapterFactory creates the backend's adapter
	 */
	@SuppressWarnings("unchecked")
	public <C> DefaultMqttConnection(MqttConnectionSettings settings, MqttClientAdapter.Factory<C> adapterFactory) {
		this.settings = settings;
		this.adapter = (MqttClientAdapter<Object>) adapterFactory.create(new Callbacks());
		// logged under the backend's name, as before the backends became adapters
		this.logger = LogFactory.getLog(this.adapter.getClass());
		if (settings.getEnhancedAuthenticator() != null && !this.adapter.supportsEnhancedAuthentication()) {
			// auto-configuration names the property first; this guards connections built by hand
			throw new IllegalStateException("MQTT client '" + settings.getClientId() + "' has an MqttEnhancedAuthenticator, "
					+ "but " + this.adapter.getClass().getSimpleName() + " (MQTT " + settings.getVersion().label()
					+ ") cannot send AUTH packets: MQTT 5 enhanced authentication needs MQTT 5 and the HiveMQ client library");
		}
		this.failedConnects = new FailedConnectLog(this.logger);
		this.status = new ConnectionStatus(settings, this.logger);
		this.credentials = new ConnectCredentials(settings);
		this.client = new ClientHandle(this.adapter, this.logger, settings.getClientId());
		this.renewal = new CredentialRenewal(this.credentials);
		this.outbound = new OutboundFlow(settings, new OutboundLink(), this.logger);
		this.attempts = new ConnectAttempts(this.client, this.credentials, settings, this.outbound::clientReplaced,
				new AttemptOutcome(), this.logger);
		this.inboundLimit = new InboundLimit(settings.getMaxInboundPacketSize(), this.logger, settings.getClientId(),
				settings.getVersion());
		this.keepAlive = new KeepAliveWatchdog(this.logger, settings.getClientId(),
				() -> this.running && this.status.isConnected());
		this.reconnect = new ReconnectScheduler(settings.getReconnectMinDelay(), settings.getReconnectMaxDelay());
		this.inbound = new InboundDispatcher(this.subscriptions, this.lock, this.logger);
		this.subscribeCalls = new SubscribeCalls(this.subscriptions, this.lock, this.status, settings, this.client,
				this::redeliverParkedSoon, this.logger);
		this.scheduler = newScheduler();
	}

	private ScheduledExecutorService newScheduler() {
		return Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "mqtt-connection-" + this.settings.getClientId());
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Return the backend's adapter, for tests and diagnostics.
	 * @return the adapter
	 */
	public MqttClientAdapter<?> getClientAdapter() {
		return this.adapter;
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
		return this.status.connectedUri();
	}

	@Override
	public MqttConnectionState getState() {
		return this.status.state();
	}

	@Override
	public boolean isSessionPresent() {
		return this.status.isSessionPresent();
	}

	@Override
	public MqttBrokerLimits getBrokerLimits() {
		return this.status.brokerLimits();
	}

	@Override
	public @Nullable String getLastFailure() {
		return this.status.lastFailure();
	}

	@Override
	public Instant getStateChangedAt() {
		return this.status.stateChangedAt();
	}

	@Override
	public long getReconnectCount() {
		return this.status.reconnectCount();
	}

	@Override
	public long getTooLargeCount(String owner) {
		return this.inboundLimit.count(owner);
	}

	@Override
	public void addConnectionListener(MqttConnectionListener listener) {
		this.status.addListener(listener);
	}

	@Override
	public boolean isAcknowledgingInArrivalOrder() {
		return this.adapter.isAcknowledgingInArrivalOrder();
	}

	@Override
	public CompletableFuture<Void> reauthenticate() {
		if (this.settings.getEnhancedAuthenticator() == null || !this.adapter.supportsEnhancedAuthentication()) {
			return MqttConnection.super.reauthenticate();
		}
		Object current = this.client.current();
		if (current == null || !this.adapter.isConnected(current)) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"MQTT client '" + getClientId() + "' is not connected: nothing to re-authenticate"));
		}
		return this.adapter.reauthenticate(current);
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
				this.client.create();
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
			this.outbound.replayOutbox();
		}
	}

	private void openOutbox() {
		try {
			this.outbound.open(this.scheduler);
		}
		catch (RuntimeException ex) {
			this.running = false;
			Object created = this.client.take();
			if (created != null) {
				this.client.close(created);
			}
			throw ex;
		}
	}

	private void connectFirst() {
		this.startingUp = true;
		CompletableFuture<Void> first = attemptConnect();
		Duration wait = this.attempts.watchdog().timeout();
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
		Object current;
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.reconnect.cancel();
			this.keepAlive.cancel();
			this.renewal.cancel();
			abandoned = this.outbound.close();
			this.inbound.clear();
			this.subscriptions.dropDetached();
			current = this.client.take();
		}
		finally {
			this.lock.unlock();
		}
		this.outbound.abandon(abandoned);
		if (current != null) {
			try {
				this.client.disconnect(current, this.settings.getShutdownTimeout(), "");
			}
			finally {
				this.client.close(current);
			}
		}
		this.outbound.closeOutbox();
		this.status.setState(MqttConnectionState.STOPPED);
		this.status.disconnected();
		this.scheduler.shutdownNow();
		this.logger.info("MQTT client '" + getClientId() + "' disconnected");
	}

	// ---- connecting

	private CompletableFuture<Void> attemptConnect() {
		Object current = this.client.current();
		if (!this.running || current == null) {
			return CompletableFuture.failedFuture(
					new MqttConnectException("MQTT connection '" + getClientId() + "' is stopped", -1, null));
		}
		this.status.setState(MqttConnectionState.CONNECTING);
		return this.attempts.attempt(current, this.scheduler, () -> this.running);
	}

	/**
	 * Reconnect gracefully (DISCONNECT, so no Will) with fresh credentials before the current
	 * ones expire: publishes wait in the buffer meanwhile, and those in flight get their
	 * acknowledgements first (for up to mqtt.shutdown-timeout).
	 */
	private void renewCredentials(Instant expiresAt) {
		Object current;
		this.lock.lock();
		try {
			if (!this.running || !this.status.isConnected()) {
				return;
			}
			this.renewal.started();
			// publishers now wait in the buffer
			this.status.setState(MqttConnectionState.CONNECTING);
			current = this.client.current();
		}
		finally {
			this.lock.unlock();
		}
		this.logger.info("MQTT client '" + getClientId() + "' reconnects with fresh credentials before its current ones "
				+ "expire at " + expiresAt);
		this.outbound.awaitInFlight(this.settings.getShutdownTimeout());
		if (current != null) {
			this.client.disconnect(current, this.settings.getShutdownTimeout(), " before renewing its credentials");
		}
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.keepAlive.cancel();
			// the broker sends the unacknowledged ones again
			this.inbound.connectionLost();
		}
		finally {
			this.lock.unlock();
		}
		attemptConnect();
	}

	private void onConnected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
		boolean reconnect;
		this.lock.lock();
		try {
			if (!this.running) {
				return;
			}
			reconnect = this.status.connected(serverUri, sessionPresent, limits);
			this.outbound.connected(limits.receiveMaximum());
			// without a session the broker no longer has the filters of detached subscriptions
			List<SubscriptionRegistry.Entry> toSubscribe = this.subscriptions.toSubscribe(sessionPresent);
			// the SUBSCRIBE packets go out before anything published once the state reads
			// CONNECTED (a publisher polling the state, a connected(...) listener): without a
			// session the broker would route those publishes before the filters exist again.
			// The client libraries only queue them; their acknowledgements take the lock later
			for (SubscriptionRegistry.Entry entry : toSubscribe) {
				this.subscribeCalls.send(entry);
			}
			this.status.setState(MqttConnectionState.CONNECTED);
			startKeepAliveWatchdog(limits);
			this.renewal.schedule(this.scheduler, this::renewCredentials);
		}
		finally {
			this.lock.unlock();
		}
		if (reconnect) {
			this.status.countReconnect();
		}
		int failedAttempts = this.failedConnects.connected();
		if (failedAttempts > 1) {
			this.logger.info("MQTT client '" + getClientId() + "' connected after " + failedAttempts + " failed attempts");
		}
		this.logger.info("MQTT client '" + getClientId() + "' connected to " + serverUri + " (MQTT " + getVersion().label()
				+ ", session present: " + sessionPresent + ")");
		this.status.notifyConnected(serverUri, reconnect, sessionPresent);
		this.outbound.resume(this.scheduler);
	}

	private void onConnectFailed(MqttConnectException failure) {
		this.status.failed(failure.getMessage());
		if (!this.running) {
			return;
		}
		this.status.setState(MqttConnectionState.DISCONNECTED);
		// start() reports the failure of the attempt it waits for
		this.failedConnects.failed(getClientId(), failure.getMessage(), this.startingUp);
		this.status.notifyConnectionLost(failure.getMessage(), failure.getReasonCode());
		scheduleReconnect(failure.getReasonCode(), failure.getMessage(), false);
	}

	/**
	 * An error escaped a thread of the client library that reads or delivers messages: the
	 * connection cannot be trusted (the thread may be gone and nothing reads the socket), so
	 * it is reported and dropped, and the reconnect loop connects again, at once after a
	 * connection that lasted. Never throws.
	 */
	private void clientThreadFailed(String thread, Throwable error) {
		try {
			String cause = "the client library's thread '" + thread + "' failed with " + error;
			Object current = this.client.current();
			if (!this.running || current == null) {
				return;
			}
			this.logger.error("MQTT client '" + getClientId() + "': " + cause + "; dropping the connection and "
					+ "reconnecting", error);
			this.scheduler.execute(() -> {
				this.adapter.abort(current);
				onConnectionLost(cause, -1);
			});
		}
		catch (Throwable ex) {
			// out of memory again, or stopping: the keep-alive watchdog is the fallback
		}
	}

	private void onConnectionLost(String reportedCause, int reasonCode) {
		if (!CallbackThread.isCurrent()) {
			CallbackThread.run(() -> onConnectionLost(reportedCause, reasonCode));
			return;
		}
		if (!this.running) {
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
			this.logger.error("MQTT client '" + getClientId() + "' was disconnected because another client connected with "
					+ "the same client id (session taken over, 0x8E). Give each application instance its own mqtt.client-id; "
					+ "reconnecting with back-off");
		}
		else {
			this.logger.warn("MQTT client '" + getClientId() + "' lost its connection: " + cause);
		}
		this.status.notifyConnectionLost(cause, reasonCode);
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
			long delay = this.reconnect.nextDelay(reasonCode, lost, Duration.between(this.status.connectedAt(), Instant.now()),
					this.status.state() == MqttConnectionState.CONNECTING);
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
		if (!this.running || this.status.isConnected()) {
			return;
		}
		if (this.client.isConnected()) {
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

	/**
	 * Watch the broker's side of the keep-alive of the new connection. Called under the lock.
	 */
	private void startKeepAliveWatchdog(MqttBrokerLimits limits) {
		Object current = this.client.current();
		long seconds = (limits.serverKeepAliveSeconds() >= 0) ? limits.serverKeepAliveSeconds()
				: this.settings.getKeepAlive().toSeconds();
		KeepAliveProbe probe = (seconds > 0) ? this.client.keepAliveProbe() : null;
		this.keepAlive.start(this.scheduler, probe, seconds, (cause) -> {
			if (current != null) {
				this.adapter.abort(current);
			}
			onConnectionLost(cause, -1);
		});
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

	// ---- subscribing

	@Override
	public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
		return this.subscribeCalls.subscribe(subscription);
	}

	/**
	 * A new subscription may match parked messages; called under the lock.
	 */
	private void redeliverParkedSoon() {
		if (this.inbound.hasParked() && !this.scheduler.isShutdown()) {
			this.scheduler.execute(this.inbound::redeliverParked);
		}
	}

	@Override
	public CompletableFuture<Void> unsubscribe(MqttSubscription subscription) {
		return this.subscribeCalls.unsubscribe(subscription);
	}

	@Override
	public CompletableFuture<Void> detach(MqttSubscription subscription) {
		return this.subscribeCalls.detach(subscription);
	}

	@Override
	public boolean isSessionPersistent() {
		return !this.settings.isCleanStart()
				&& (this.settings.getVersion() != MqttVersion.V5 || !this.settings.getSessionExpiry().isZero());
	}

	@Override
	public List<SubscriptionState> getSubscriptions() {
		return this.subscribeCalls.states();
	}

	// ---- receiving

	private void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable processed) {
		Runnable ack;
		if (qos == 0) {
			ack = processed;
		}
		else if (processed == NO_ACK) {
			ack = () -> this.client.acknowledge(messageId, qos);
		}
		else {
			ack = () -> {
				this.client.acknowledge(messageId, qos);
				processed.run();
			};
		}
		if (!acceptInbound(topic, payload.length, qos)) {
			ack.run();
			return;
		}
		this.inbound.dispatch(new InboundDispatcher.Incoming(topic, payload, qos, retained, duplicate, messageId,
				properties, ack, !this.adapter.isRedeliveredAfterLoss(qos)));
	}

	private boolean acceptInbound(String topic, long payloadSize, int qos) {
		long size = InboundLimit.packetSize(topic, payloadSize, qos);
		if (this.inboundLimit.fits(size)) {
			return true;
		}
		this.inboundLimit.dropped(topic, size, qos, this.subscriptions.owners(topic));
		return false;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{clientId=" + getClientId() + ", serverUris=" + this.settings.getServerUris()
				+ ", version=" + getVersion() + ", client=" + this.adapter.getClass().getSimpleName() + ", state="
				+ this.status.state() + "}";
	}

	// ---- the adapter's views of this connection

	/**
	 * What the adapter reports to this connection and asks of it.
	 */
	private final class Callbacks implements MqttClientCallbacks {

		@Override
		public void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
				MqttMessageProperties properties) {
			DefaultMqttConnection.this.dispatch(topic, payload, qos, retained, duplicate, messageId, properties, NO_ACK);
		}

		@Override
		public void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
				MqttMessageProperties properties, Runnable processed) {
			DefaultMqttConnection.this.dispatch(topic, payload, qos, retained, duplicate, messageId, properties, processed);
		}

		@Override
		public boolean acceptInbound(String topic, long payloadSize, int qos) {
			return DefaultMqttConnection.this.acceptInbound(topic, payloadSize, qos);
		}

		@Override
		public void connectionLost(String cause, int reasonCode) {
			onConnectionLost(cause, reasonCode);
		}

		@Override
		public void clientThreadFailed(String thread, Throwable error) {
			DefaultMqttConnection.this.clientThreadFailed(thread, error);
		}

		@Override
		public @Nullable String connectUsername() {
			return DefaultMqttConnection.this.credentials.username();
		}

		@Override
		public byte @Nullable [] connectPassword() {
			return DefaultMqttConnection.this.credentials.password();
		}

		@Override
		public MqttBrokerLimits brokerLimits() {
			return getBrokerLimits();
		}

		@Override
		public List<SubscriptionState> subscriptions() {
			return getSubscriptions();
		}

	}

	/**
	 * The outbound flow's view of this connection and its client.
	 */
	private final class OutboundLink implements OutboundFlow.Link {

		@Override
		public boolean isRunning() {
			return DefaultMqttConnection.this.running;
		}

		@Override
		public boolean isConnected() {
			return DefaultMqttConnection.this.status.isConnected();
		}

		@Override
		public String disconnectedBecause() {
			String failure = DefaultMqttConnection.this.status.lastFailure();
			return (failure != null) ? failure : String.valueOf(DefaultMqttConnection.this.status.state());
		}

		@Override
		public boolean send(MqttOutboundMessage message, OutboundFlow.Completion completion) throws Exception {
			return DefaultMqttConnection.this.client.publish(message, completion);
		}

		@Override
		public int reasonCodeOf(Throwable ex) {
			return DefaultMqttConnection.this.adapter.reasonCodeOf(ex);
		}

		@Override
		public String describe(Throwable ex) {
			return DefaultMqttConnection.this.adapter.describe(ex);
		}

		@Override
		public boolean isNotConnected(Throwable ex) {
			return DefaultMqttConnection.this.adapter.isNotConnected(ex);
		}

		@Override
		public boolean resendsAfterReconnect(Throwable ex) {
			return DefaultMqttConnection.this.adapter.resendsAfterReconnect(ex);
		}

	}

	/**
	 * The outcome of each connect attempt.
	 */
	private final class AttemptOutcome implements ConnectAttempts.Outcome {

		@Override
		public void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
			onConnected(serverUri, sessionPresent, limits);
		}

		@Override
		public void failed(MqttConnectException failure) {
			onConnectFailed(failure);
		}

	}

}
