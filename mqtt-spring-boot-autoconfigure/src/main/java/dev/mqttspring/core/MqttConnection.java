package dev.mqttspring.core;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The one managed connection to the broker, shared by {@link MqttTemplate} and all
 * listeners. This is the seam between the starter and an MQTT client library: it exposes
 * no client library types, so another client can replace the default Paho backend.
 * <p>
 * The connection reconnects on its own, subscribes every registered subscription again
 * after a reconnect without a session, and buffers publishes while disconnected up to a
 * bound in bytes and messages.
 *
 * @author mqtt-spring-boot
 */
public interface MqttConnection {

	/**
	 * Return the client identifier.
	 * @return the client id
	 */
	String getClientId();

	/**
	 * Return the protocol version.
	 * @return the version
	 */
	MqttVersion getVersion();

	/**
	 * Return the configured server URIs, in failover order.
	 * @return the server URIs
	 */
	List<String> getServerUris();

	/**
	 * Return the server URI of the current connection.
	 * @return the URI, or {@code null} when not connected
	 */
	@Nullable String getConnectedServerUri();

	/**
	 * Return the current state.
	 * @return the state
	 */
	MqttConnectionState getState();

	/**
	 * Return whether the connection is up.
	 * @return whether connected
	 */
	default boolean isConnected() {
		return getState() == MqttConnectionState.CONNECTED;
	}

	/**
	 * Return whether the broker resumed a session on the last connect.
	 * @return whether a session was present
	 */
	boolean isSessionPresent();

	/**
	 * Return the broker's limits from the last CONNACK, narrowed by configuration.
	 * @return the limits
	 */
	MqttBrokerLimits getBrokerLimits();

	/**
	 * Return the last connection failure or loss in words, or {@code null}.
	 * @return the last failure
	 */
	@Nullable String getLastFailure();

	/**
	 * Return when the state last changed.
	 * @return the instant
	 */
	Instant getStateChangedAt();

	/**
	 * Return how many times the connection was re-established after a loss.
	 * @return the reconnect count
	 */
	long getReconnectCount();

	/**
	 * Publish a message. The future completes when the broker acknowledged it at its QoS
	 * (QoS 0: when written to the socket), or exceptionally with an
	 * {@link MqttDeliveryException} that says why. While disconnected the message is
	 * buffered; when the buffer is full the calling thread waits for room up to
	 * {@link MqttConnectionSettings#getPublishMaxBlock()}, except on a client-library
	 * thread, which never waits (the message is buffered beyond the bound there).
	 * @param message the message, already validated
	 * @return the future
	 */
	CompletableFuture<Void> publish(MqttOutboundMessage message);

	/**
	 * Return the number of publishes waiting in the offline buffer (while disconnected, and
	 * while the backlog drains after a reconnect).
	 * @return the number of buffered publishes
	 */
	default int getBufferedMessages() {
		return 0;
	}

	/**
	 * Return the bytes (payload and topic) of the publishes waiting in the offline buffer.
	 * @return the buffered bytes
	 */
	default long getBufferedBytes() {
		return 0;
	}

	/**
	 * Return how many publishes waited for room in the full offline buffer.
	 * @return the number of blocked publishes
	 */
	default long getBlockedPublishCount() {
		return 0;
	}

	/**
	 * Return the total time publishers waited for room in the full offline buffer.
	 * @return the time in nanoseconds
	 */
	default long getBlockedPublishNanos() {
		return 0;
	}

	/**
	 * Return whether the durable outbox ({@code mqtt.outbox.*}) is on.
	 * @return whether publishes are written to the outbox
	 */
	default boolean isOutboxEnabled() {
		return false;
	}

	/**
	 * Return the number of publishes in the durable outbox whose future has not completed.
	 * @return the number
	 */
	default int getOutboxMessages() {
		return 0;
	}

	/**
	 * Return the bytes of the publishes in the durable outbox whose future has not completed.
	 * @return the bytes
	 */
	default long getOutboxBytes() {
		return 0;
	}

	/**
	 * Return the number of publishes that an earlier run left in the outbox and that were
	 * sent again at start-up.
	 * @return the number
	 */
	default long getOutboxReplayed() {
		return 0;
	}

	/**
	 * Return how many incoming messages for the subscriptions of an owner (a listener id)
	 * were dropped because they were larger than the configured maximum inbound packet
	 * size.
	 * @param owner the owner of the subscriptions
	 * @return the count
	 */
	default long getTooLargeCount(String owner) {
		return 0;
	}

	/**
	 * Register a subscription and subscribe it when connected (again after each reconnect
	 * without a session). The future completes with the broker's answer to the first
	 * SUBSCRIBE; a refusal completes it normally with a result that is not granted.
	 * @param subscription the subscription
	 * @return the future result
	 */
	CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription);

	/**
	 * Remove a subscription; the broker is sent UNSUBSCRIBE when no other subscription
	 * uses the same filter. No message is dispatched to its handler after this returns.
	 * @param subscription the subscription
	 * @return a future that completes when the broker acknowledged
	 */
	CompletableFuture<Void> unsubscribe(MqttSubscription subscription);

	/**
	 * Remove a subscription from dispatching but keep it in the broker's session: no
	 * UNSUBSCRIBE is sent. A QoS 1/2 message that arrives afterwards for its filter is held
	 * unacknowledged, so the broker sends it again on the next connection that resumes the
	 * session, or it is dispatched when a subscription to the filter is added again. Used
	 * when the application shuts down and the session outlives the connection (see
	 * {@link #isSessionPersistent()}). No message is dispatched to its handler after this
	 * returns.
	 * <p>
	 * The default implementation unsubscribes.
	 * @param subscription the subscription
	 * @return a future that completes when the subscription is detached
	 */
	default CompletableFuture<Void> detach(MqttSubscription subscription) {
		return unsubscribe(subscription);
	}

	/**
	 * Return whether the broker keeps this connection's session, subscriptions and queued
	 * messages included, after the connection closes, so that the next connection with
	 * the same client id resumes it: {@code mqtt.clean-start=false} with a session expiry
	 * above zero on MQTT 5, {@code mqtt.clean-start=false} (clean session off) on MQTT
	 * 3.1.1.
	 * @return whether the session outlives the connection
	 */
	default boolean isSessionPersistent() {
		return false;
	}

	/**
	 * Re-authenticate the connected client with its {@link MqttEnhancedAuthenticator} (MQTT
	 * 5 AUTH packets, reason "re-authenticate"), for example before the token it
	 * authenticated with expires. The connection stays up meanwhile.
	 * @return a future completed when the broker accepted, failed when there is no
	 * enhanced authentication, the client is not connected, or the broker or the
	 * authenticator rejected (the broker then closes the connection and it reconnects)
	 */
	default CompletableFuture<Void> reauthenticate() {
		return CompletableFuture.failedFuture(new UnsupportedOperationException("Client '" + getClientId()
				+ "' has no MQTT 5 enhanced authentication: define an MqttEnhancedAuthenticator bean, with mqtt.version=5 "
				+ "and mqtt.client-library=hivemq"));
	}

	/**
	 * Return the registered subscriptions with the broker's last answer for each filter.
	 * @return the subscription states
	 */
	List<SubscriptionState> getSubscriptions();

	/**
	 * Return whether the connection sends the broker its acknowledgements of QoS 1/2
	 * messages in the order the messages arrived, as MQTT asks: a message whose
	 * acknowledgement is withheld then holds back the acknowledgements of all later
	 * messages, and once the broker's in-flight window is full, their delivery. Listener
	 * containers acknowledge on receipt by default on such a connection.
	 * @return {@code true} for the HiveMQ client, {@code false} for Paho, which acknowledges
	 * QoS 1 messages in any order
	 */
	default boolean isAcknowledgingInArrivalOrder() {
		return false;
	}

	/**
	 * Add a listener notified of connection state changes.
	 * @param listener the listener
	 */
	void addConnectionListener(MqttConnectionListener listener);

	/**
	 * A registered topic filter and the broker's last answer to it.
	 *
	 * @param filter the topic filter
	 * @param requestedQos the highest QoS requested for it
	 * @param owners the owners (listener ids) of the subscriptions using it
	 * @param result the last SUBACK result, or {@code null} if not yet subscribed
	 */
	record SubscriptionState(String filter, int requestedQos, List<String> owners, @Nullable MqttSubscriptionResult result) {

	}

}
