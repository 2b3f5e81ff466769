package dev.mqttspring.core;

/**
 * What the broker announced in its CONNACK (MQTT 5); for MQTT 3.1.1 the protocol
 * maximums apply, narrowed by configuration.
 *
 * @param maximumQos the highest QoS the broker accepts
 * @param maximumPacketSize the largest packet the broker accepts, in bytes
 * @param retainAvailable whether the broker supports retained messages
 * @param wildcardSubscriptionAvailable whether the broker supports wildcard subscriptions
 * @param sharedSubscriptionAvailable whether the broker supports shared subscriptions
 * @param subscriptionIdentifiersAvailable whether the broker supports subscription identifiers
 * @param receiveMaximum how many QoS 1/2 publishes the broker accepts in flight
 * @param topicAliasMaximum the highest topic alias the broker accepts
 * @param serverKeepAliveSeconds the keep-alive the broker imposes, or -1
 * @author mqtt-spring-boot
 */
public record MqttBrokerLimits(int maximumQos, long maximumPacketSize, boolean retainAvailable,
		boolean wildcardSubscriptionAvailable, boolean sharedSubscriptionAvailable,
		boolean subscriptionIdentifiersAvailable, int receiveMaximum, int topicAliasMaximum, int serverKeepAliveSeconds) {

	/**
	 * The largest packet MQTT allows (268,435,455 bytes plus the fixed header).
	 */
	public static final long PROTOCOL_MAXIMUM_PACKET_SIZE = 268_435_460L;

	/**
	 * Limits of a broker that announced nothing: everything the protocol allows.
	 */
	public static final MqttBrokerLimits UNRESTRICTED = new MqttBrokerLimits(2, PROTOCOL_MAXIMUM_PACKET_SIZE, true, true,
			true, true, 65_535, 0, -1);

	/**
	 * The QoS 1/2 publishes kept in flight on an MQTT 3.1.1 connection. A 3.1.1 broker
	 * cannot announce how many it accepts, but may still enforce a limit: mosquitto 2
	 * applies {@code max_inflight_messages} (default 20, the receive maximum it announces
	 * to MQTT 5 clients) to incoming QoS 2 messages awaiting PUBREL and drops the 3.1.1
	 * connection of a client that exceeds it, after a PUBREC that the client takes as
	 * success (the message is lost). A client that sends everything in flight again after
	 * a reconnect then loops through disconnects.
	 */
	public static final int MQTT_3_1_1_RECEIVE_MAXIMUM = 20;

	/**
	 * Limits of an MQTT 3.1.1 connection: the protocol's (no subscription identifiers),
	 * with {@link #MQTT_3_1_1_RECEIVE_MAXIMUM} publishes in flight.
	 */
	public static final MqttBrokerLimits MQTT_3_1_1 = new MqttBrokerLimits(2, PROTOCOL_MAXIMUM_PACKET_SIZE, true, true,
			true, false, MQTT_3_1_1_RECEIVE_MAXIMUM, 0, -1);

}
