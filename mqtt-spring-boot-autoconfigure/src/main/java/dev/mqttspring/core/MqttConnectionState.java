package dev.mqttspring.core;

/**
 * The lifecycle state of an {@link MqttConnection}.
 *
 * @author mqtt-spring-boot
 */
public enum MqttConnectionState {

	/**
	 * Not started, or stopped.
	 */
	STOPPED,

	/**
	 * Connecting for the first time or after a loss.
	 */
	CONNECTING,

	/**
	 * Connected to a broker.
	 */
	CONNECTED,

	/**
	 * Not connected; waiting before the next attempt.
	 */
	DISCONNECTED

}
