package dev.mqttspring.core;

/**
 * Notified of {@link MqttConnection} state changes, on a client thread: return quickly.
 *
 * @author mqtt-spring-boot
 */
public interface MqttConnectionListener {

	/**
	 * Called when a connection is established.
	 * @param serverUri the server URI
	 * @param reconnect whether this follows a loss
	 * @param sessionPresent whether the broker resumed the session
	 */
	default void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
	}

	/**
	 * Called when a connection is lost or an attempt failed.
	 * @param cause the cause in words
	 * @param reasonCode the MQTT reason code, or -1
	 */
	default void connectionLost(String cause, int reasonCode) {
	}

	/**
	 * Called when the broker answered a subscription.
	 * @param result the result
	 */
	default void subscribed(MqttSubscriptionResult result) {
	}

}
