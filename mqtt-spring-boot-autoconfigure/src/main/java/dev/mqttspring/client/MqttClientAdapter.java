package dev.mqttspring.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionOptions;

/**
 * The backend SPI: what a client library does for a {@link DefaultMqttConnection}. The
 * connection owns lifecycle, reconnects, state, the outbound flow and the inbound dispatch;
 * an adapter creates the client library's clients and turns these calls into its calls. It
 * reports back through the {@link MqttClientCallbacks} its {@link Factory} is given.
 * Internal: users never see this type.
 *
 * @param <C> the client library's client type, opaque to the connection
 */
public interface MqttClientAdapter<C> {

	/**
	 * Create a client; the connection creates one at each start and replaces one whose
	 * connect attempt never completed.
	 * @return the client
	 * @throws Exception if the client library refuses the settings
	 */
	C createClient() throws Exception;

	/**
	 * Connect; the callback must be called exactly once.
	 */
	void connect(C client, ConnectCallback callback) throws Exception;

	void publish(C client, MqttOutboundMessage message, CompletionCallback callback) throws Exception;

	/**
	 * Subscribe; MQTT 3.1.1 adapters ignore the MQTT 5 subscription options, and a
	 * {@code subscriptionId} of 0 means none.
	 */
	void subscribe(C client, String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
			SubscribeCallback callback) throws Exception;

	void unsubscribe(C client, String filter, CompletionCallback callback) throws Exception;

	/**
	 * Acknowledge an incoming QoS 1/2 message that the listeners are done with.
	 */
	void acknowledge(C client, int messageId, int qos) throws Exception;

	/**
	 * Disconnect gracefully (DISCONNECT, so no Will), waiting up to the timeout.
	 */
	void disconnect(C client, Duration timeout) throws Exception;

	/**
	 * Release the client for good; must not throw.
	 */
	void close(C client);

	/**
	 * Abort a connect attempt that is still in progress, or drop a connection the
	 * connection no longer trusts; must not throw.
	 */
	void abort(C client);

	boolean isConnected(C client);

	/**
	 * Whether an exception from a connect call means an earlier attempt is still running.
	 */
	boolean isConnectInProgress(Throwable ex);

	/**
	 * Whether an exception from a publish call means "not connected right now".
	 */
	boolean isNotConnected(Throwable ex);

	/**
	 * Describe a failure in words for logs and exceptions (never with secrets).
	 */
	String describe(Throwable ex);

	/**
	 * Return the MQTT 5 reason code an exception carries (MQTT 3.1.1 codes mapped to it),
	 * or -1.
	 */
	int reasonCodeOf(Throwable ex);

	/**
	 * Return the keep-alive probe of the client's current connection, or {@code null} to
	 * leave the detection of a silent broker to the client library alone.
	 * @param client the client
	 * @return the probe or {@code null}
	 */
	default @Nullable KeepAliveProbe keepAliveProbe(C client) {
		return null;
	}

	/**
	 * Whether the client library keeps a QoS 1/2 publish that failed with this exception
	 * and sends it again after reconnecting with the same session, reporting the outcome
	 * then. Paho reports the lost connection and resends; a library that fails the publish
	 * only when it gives it up returns {@code false}.
	 */
	default boolean resendsAfterReconnect(Throwable ex) {
		return true;
	}

	/**
	 * Return whether the broker sends a QoS 1/2 message again when the connection is lost
	 * before the application acknowledged it. Messages it does not send again are held
	 * across a connection loss while no subscription matches them.
	 * @param qos the message's QoS
	 * @return {@code true} unless the client library acknowledges such messages on its own
	 */
	default boolean isRedeliveredAfterLoss(int qos) {
		return true;
	}

	/**
	 * See {@link dev.mqttspring.core.MqttConnection#isAcknowledgingInArrivalOrder()}.
	 */
	default boolean isAcknowledgingInArrivalOrder() {
		return false;
	}

	/**
	 * Return whether this adapter sends MQTT 5 AUTH packets for an
	 * {@link dev.mqttspring.core.MqttEnhancedAuthenticator}.
	 */
	default boolean supportsEnhancedAuthentication() {
		return false;
	}

	/**
	 * Re-authenticate the connected client (MQTT 5 AUTH); only called when
	 * {@link #supportsEnhancedAuthentication()} and an authenticator is configured.
	 */
	default CompletableFuture<Void> reauthenticate(C client) {
		return CompletableFuture.failedFuture(new UnsupportedOperationException("No MQTT 5 enhanced authentication"));
	}

	/**
	 * Creates the adapter of one connection.
	 *
	 * @param <C> the client type
	 */
	@FunctionalInterface
	interface Factory<C> {

		/**
		 * Create the adapter.
		 * @param callbacks how the adapter reports to its connection
		 * @return the adapter
		 */
		MqttClientAdapter<C> create(MqttClientCallbacks callbacks);

	}

	interface ConnectCallback {

		void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits);

		void failed(Throwable ex);

	}

	interface CompletionCallback {

		void completed(int reasonCode);

		void failed(Throwable ex);

	}

	interface SubscribeCallback {

		void subscribed(int reasonCode);

		void failed(Throwable ex);

	}

}
