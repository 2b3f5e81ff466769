package dev.mqttspring.client;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.client.internal.ClientHandle;
import dev.mqttspring.client.internal.ConnectAttempts;
import dev.mqttspring.client.internal.ConnectCredentials;
import dev.mqttspring.client.internal.ConnectionStatus;
import dev.mqttspring.client.internal.CredentialRenewal;
import dev.mqttspring.client.internal.InboundDispatcher;
import dev.mqttspring.client.internal.InboundIntake;
import dev.mqttspring.client.internal.KeepAliveWatchdog;
import dev.mqttspring.client.internal.OutboundFlow;
import dev.mqttspring.client.internal.ReconnectLoop;
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
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttVersion;

/**
 * The connection of every client library backend (HiveMQ, Paho; MQTT 5 and 3.1.1) over
 * the {@link MqttClientAdapter} of its backend: lifecycle, the connect attempt, state and
 * credential renewal, composed of the parts in {@code dev.mqttspring.client.internal}
 * (connection status, connect attempts, reconnect loop, keep-alive watchdog, outbound
 * flow, subscribe calls, subscription registry, inbound intake and dispatcher). Internal:
 * users see it as an {@link MqttConnection}.
 */
public final class DefaultMqttConnection implements MqttConnection, SmartLifecycle {

	/**
	 * Lifecycle phase: after an embedded broker, before listener containers.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 2000;

	private final Log logger;

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

	private final InboundIntake intake;

	private final OutboundFlow outbound;

	private volatile boolean running;

	private final ReconnectLoop reconnect;

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
		this.status = new ConnectionStatus(settings, this.logger);
		this.credentials = new ConnectCredentials(settings);
		this.client = new ClientHandle(this.adapter, this.logger, settings.getClientId());
		this.renewal = new CredentialRenewal(this.credentials);
		this.outbound = new OutboundFlow(settings, this.client.outboundLink(() -> this.running, this.status::isConnected,
				this::disconnectedBecause), this.logger);
		this.attempts = new ConnectAttempts(this.client, this.credentials, settings, this.outbound::clientReplaced,
				this::onConnected, this::connectFailed, this.logger);
		this.keepAlive = new KeepAliveWatchdog(this.logger, settings.getClientId(),
				() -> this.running && this.status.isConnected());
		this.inbound = new InboundDispatcher(this.subscriptions, this.lock, this.logger);
		this.reconnect = new ReconnectLoop(settings, this.lock, this.status, this.client, this.keepAlive, this.renewal,
				this.inbound, () -> this.running, () -> this.scheduler, this::attemptConnect, this.logger);
		this.intake = new InboundIntake(settings, this.subscriptions, this.inbound, this.client, this.logger);
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
		return this.intake.tooLargeCount(owner);
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
			this.reconnect.restart();
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
		try {
			this.attempts.awaitFirst(attemptConnect(), this::stop);
		}
		finally {
			this.startingUp = false;
		}
	}

	@Override
	public void stop() {
		Runnable abandoned;
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
		abandoned.run();
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
			this.reconnect.watchKeepAlive(limits);
			this.renewal.schedule(this.scheduler, this::renewCredentials);
		}
		finally {
			this.lock.unlock();
		}
		if (reconnect) {
			this.status.countReconnect();
		}
		int failedAttempts = this.reconnect.connected();
		if (failedAttempts > 1) {
			this.logger.info("MQTT client '" + getClientId() + "' connected after " + failedAttempts + " failed attempts");
		}
		this.logger.info("MQTT client '" + getClientId() + "' connected to " + serverUri + " (MQTT " + getVersion().label()
				+ ", session present: " + sessionPresent + ")");
		this.status.notifyConnected(serverUri, reconnect, sessionPresent);
		this.outbound.resume(this.scheduler);
	}

	private void connectFailed(MqttConnectException failure) {
		// start() reports the failure of the attempt it waits for
		this.reconnect.failed(failure, this.startingUp);
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

	private String disconnectedBecause() {
		String failure = this.status.lastFailure();
		return (failure != null) ? failure : String.valueOf(this.status.state());
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
			DefaultMqttConnection.this.intake.dispatch(topic, payload, qos, retained, duplicate, messageId, properties,
					InboundIntake.NO_ACK);
		}

		@Override
		public void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
				MqttMessageProperties properties, Runnable processed) {
			DefaultMqttConnection.this.intake.dispatch(topic, payload, qos, retained, duplicate, messageId, properties,
					processed);
		}

		@Override
		public boolean acceptInbound(String topic, long payloadSize, int qos) {
			return DefaultMqttConnection.this.intake.accept(topic, payloadSize, qos);
		}

		@Override
		public void connectionLost(String cause, int reasonCode) {
			DefaultMqttConnection.this.reconnect.lost(cause, reasonCode);
		}

		@Override
		public void clientThreadFailed(String thread, Throwable error) {
			DefaultMqttConnection.this.reconnect.clientThreadFailed(thread, error);
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

		@Override
		public boolean subscriptionsMayOverlap() {
			return DefaultMqttConnection.this.subscriptions.mayOverlap();
		}

		@Override
		public @Nullable String soleMatchingFilter(String topic) {
			SubscriptionRegistry.Entry entry = DefaultMqttConnection.this.subscriptions.soleMatch(topic);
			return (entry != null) ? entry.filter() : null;
		}

	}

}
