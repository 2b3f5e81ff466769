package dev.mqttspring.client.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttSubscriptionResult;

/**
 * The state of a connection as its users see it (state and since when, last failure,
 * session present, connected URI, broker limits narrowed by configuration, reconnect
 * count) and the notification of its {@link MqttConnectionListener}s. A listener that
 * throws is logged and does not keep the others from being told. The connection changes
 * the state under its own lock; reading takes no lock.
 */
public final class ConnectionStatus {

	private final MqttConnectionSettings settings;

	private final Log logger;

	private final List<MqttConnectionListener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong reconnects = new AtomicLong();

	private volatile MqttConnectionState state = MqttConnectionState.STOPPED;

	private volatile Instant stateChangedAt = Instant.now();

	private volatile @Nullable String lastFailure;

	private volatile boolean sessionPresent;

	private volatile @Nullable String connectedUri;

	private volatile MqttBrokerLimits brokerLimits;

	private volatile boolean everConnected;

	private volatile Instant connectedAt = Instant.EPOCH;

	public ConnectionStatus(MqttConnectionSettings settings, Log logger) {
		this.settings = settings;
		this.logger = logger;
		this.brokerLimits = configuredLimits(MqttBrokerLimits.UNRESTRICTED);
	}

	public MqttConnectionState state() {
		return this.state;
	}

	public boolean isConnected() {
		return this.state == MqttConnectionState.CONNECTED;
	}

	public Instant stateChangedAt() {
		return this.stateChangedAt;
	}

	public void setState(MqttConnectionState newState) {
		if (this.state != newState) {
			this.state = newState;
			this.stateChangedAt = Instant.now();
		}
	}

	public @Nullable String lastFailure() {
		return this.lastFailure;
	}

	public void failed(String failure) {
		this.lastFailure = failure;
	}

	public boolean isSessionPresent() {
		return this.sessionPresent;
	}

	/**
	 * Return the URI of the current connection, {@code null} unless connected.
	 */
	public @Nullable String connectedUri() {
		return isConnected() ? this.connectedUri : null;
	}

	public MqttBrokerLimits brokerLimits() {
		return this.brokerLimits;
	}

	public long reconnectCount() {
		return this.reconnects.get();
	}

	/**
	 * Return when the current (or last) connection was established.
	 */
	public Instant connectedAt() {
		return this.connectedAt;
	}

	/**
	 * Record a new connection (not yet its state, which the connection sets once the
	 * subscriptions are on their way).
	 * @return whether it is a reconnect
	 */
	public boolean connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
		boolean reconnect = this.everConnected;
		this.everConnected = true;
		this.connectedAt = Instant.now();
		this.sessionPresent = sessionPresent;
		this.connectedUri = serverUri;
		this.brokerLimits = configuredLimits(limits);
		this.lastFailure = null;
		return reconnect;
	}

	/**
	 * Record that the connection is gone.
	 */
	public void disconnected() {
		this.connectedUri = null;
	}

	/**
	 * Count a reconnect once it is announced.
	 */
	public void countReconnect() {
		this.reconnects.incrementAndGet();
	}

	/**
	 * Narrow the broker's limits by mqtt.max-qos and mqtt.max-packet-size.
	 */
	MqttBrokerLimits configuredLimits(MqttBrokerLimits limits) {
		return new MqttBrokerLimits(Math.min(limits.maximumQos(), this.settings.getMaxQos()),
				Math.min(limits.maximumPacketSize(), this.settings.getMaxPacketSize()), limits.retainAvailable(),
				limits.wildcardSubscriptionAvailable(), limits.sharedSubscriptionAvailable(),
				limits.subscriptionIdentifiersAvailable(), limits.receiveMaximum(), limits.topicAliasMaximum(),
				limits.serverKeepAliveSeconds());
	}

	// ---- listeners

	public void addListener(MqttConnectionListener listener) {
		this.listeners.add(listener);
	}

	public void notifyConnected(String serverUri, boolean reconnect, boolean sessionPresent) {
		notifyListeners((listener) -> listener.connected(serverUri, reconnect, sessionPresent));
	}

	public void notifyConnectionLost(String cause, int reasonCode) {
		notifyListeners((listener) -> listener.connectionLost(cause, reasonCode));
	}

	public void notifySubscribed(MqttSubscriptionResult result) {
		notifyListeners((listener) -> listener.subscribed(result));
	}

	private void notifyListeners(Consumer<MqttConnectionListener> call) {
		for (MqttConnectionListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (Throwable ex) {
				this.logger.error("MQTT connection listener failed", ex);
			}
		}
	}

}
