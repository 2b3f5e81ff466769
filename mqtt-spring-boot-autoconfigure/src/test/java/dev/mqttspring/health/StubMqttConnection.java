package dev.mqttspring.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttVersion;

/**
 * An {@link MqttConnection} whose state a test sets, for unit and wiring tests of what
 * reads the connection (health, metrics, endpoint). It talks to no broker.
 */
public class StubMqttConnection implements MqttConnection {

	private final List<SubscriptionState> subscriptions = new CopyOnWriteArrayList<>();

	private final List<MqttConnectionListener> listeners = new CopyOnWriteArrayList<>();

	private final List<MqttOutboundMessage> published = new CopyOnWriteArrayList<>();

	private volatile String clientId = "stub-client";

	private volatile List<String> serverUris = List.of("tcp://127.0.0.1:1883");

	private volatile MqttConnectionState state = MqttConnectionState.CONNECTED;

	private volatile @Nullable String lastFailure;

	private volatile boolean sessionPresent;

	private volatile MqttBrokerLimits limits = MqttBrokerLimits.UNRESTRICTED;

	private volatile long reconnects;

	private volatile Instant stateChangedAt = Instant.parse("2025-01-01T00:00:00Z");

	public StubMqttConnection clientId(String clientId) {
		this.clientId = clientId;
		return this;
	}

	public StubMqttConnection serverUris(String... uris) {
		this.serverUris = List.of(uris);
		return this;
	}

	public StubMqttConnection connected() {
		this.state = MqttConnectionState.CONNECTED;
		this.lastFailure = null;
		return this;
	}

	public StubMqttConnection disconnected(String cause) {
		this.state = MqttConnectionState.DISCONNECTED;
		this.lastFailure = cause;
		return this;
	}

	public StubMqttConnection state(MqttConnectionState state) {
		this.state = state;
		return this;
	}

	public StubMqttConnection sessionPresent(boolean sessionPresent) {
		this.sessionPresent = sessionPresent;
		return this;
	}

	public StubMqttConnection limits(MqttBrokerLimits limits) {
		this.limits = limits;
		return this;
	}

	public StubMqttConnection reconnects(long reconnects) {
		this.reconnects = reconnects;
		return this;
	}

	public StubMqttConnection subscription(String filter, int requestedQos, @Nullable Integer reasonCode, String... owners) {
		this.subscriptions.add(new SubscriptionState(filter, requestedQos, List.of(owners),
				(reasonCode != null) ? new MqttSubscriptionResult(filter, requestedQos, reasonCode) : null));
		return this;
	}

	public List<MqttOutboundMessage> getPublished() {
		return this.published;
	}

	@Override
	public String getClientId() {
		return this.clientId;
	}

	@Override
	public MqttVersion getVersion() {
		return MqttVersion.V5;
	}

	@Override
	public List<String> getServerUris() {
		return this.serverUris;
	}

	@Override
	public @Nullable String getConnectedServerUri() {
		return (this.state == MqttConnectionState.CONNECTED) ? this.serverUris.get(0) : null;
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
		return this.limits;
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
		return this.reconnects;
	}

	@Override
	public CompletableFuture<Void> publish(MqttOutboundMessage message) {
		this.published.add(message);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
		MqttSubscriptionResult result = new MqttSubscriptionResult(subscription.getFilter(), subscription.getQos(),
				subscription.getQos());
		this.subscriptions.add(new SubscriptionState(subscription.getFilter(), subscription.getQos(),
				List.of(subscription.getOwner()), result));
		return CompletableFuture.completedFuture(result);
	}

	@Override
	public CompletableFuture<Void> unsubscribe(MqttSubscription subscription) {
		this.subscriptions.removeIf((state) -> state.filter().equals(subscription.getFilter()));
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public List<SubscriptionState> getSubscriptions() {
		return new ArrayList<>(this.subscriptions);
	}

	@Override
	public void addConnectionListener(MqttConnectionListener listener) {
		this.listeners.add(listener);
	}

}
