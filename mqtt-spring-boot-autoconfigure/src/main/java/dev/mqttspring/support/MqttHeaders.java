package dev.mqttspring.support;

/**
 * Names of the {@link org.springframework.messaging.Message} headers that carry MQTT
 * facts, for {@code @Header} parameters of listener methods and for messages given to
 * {@code MqttTemplate.publish(Message)}.
 *
 * @author mqtt-spring-boot
 */
public final class MqttHeaders {

	/**
	 * Prefix of all MQTT headers.
	 */
	public static final String PREFIX = "mqtt_";

	/**
	 * The topic a received message was published to ({@code String}).
	 */
	public static final String RECEIVED_TOPIC = PREFIX + "receivedTopic";

	/**
	 * The QoS a message was received with ({@code Integer}).
	 */
	public static final String RECEIVED_QOS = PREFIX + "receivedQos";

	/**
	 * Whether a received message is a retained message ({@code Boolean}).
	 */
	public static final String RECEIVED_RETAINED = PREFIX + "receivedRetained";

	/**
	 * Whether a received message is a redelivery ({@code Boolean}).
	 */
	public static final String DUPLICATE = PREFIX + "duplicate";

	/**
	 * The packet identifier of a received message ({@code Integer}).
	 */
	public static final String ID = PREFIX + "id";

	/**
	 * The topic to publish a message to ({@code String}).
	 */
	public static final String TOPIC = PREFIX + "topic";

	/**
	 * The QoS to publish with ({@code Integer}).
	 */
	public static final String QOS = PREFIX + "qos";

	/**
	 * Whether the broker should retain a published message ({@code Boolean}).
	 */
	public static final String RETAIN = PREFIX + "retain";

	/**
	 * MQTT 5 content type ({@code String}); also the
	 * {@link org.springframework.messaging.MessageHeaders#CONTENT_TYPE} of a received
	 * message.
	 */
	public static final String CONTENT_TYPE = PREFIX + "contentType";

	/**
	 * MQTT 5 response topic ({@code String}).
	 */
	public static final String RESPONSE_TOPIC = PREFIX + "responseTopic";

	/**
	 * MQTT 5 correlation data ({@code byte[]}).
	 */
	public static final String CORRELATION_DATA = PREFIX + "correlationData";

	/**
	 * MQTT 5 message expiry interval in seconds ({@code Long}).
	 */
	public static final String MESSAGE_EXPIRY_INTERVAL = PREFIX + "messageExpiryInterval";

	/**
	 * MQTT 5 payload format indicator: {@code true} for UTF-8 text ({@code Boolean}).
	 */
	public static final String PAYLOAD_FORMAT_INDICATOR = PREFIX + "payloadFormatIndicator";

	/**
	 * MQTT 5 user properties ({@code List<MqttUserProperty>} in order, or a
	 * {@code Map<String, String>} when publishing).
	 */
	public static final String USER_PROPERTIES = PREFIX + "userProperties";

	/**
	 * MQTT 5 subscription identifiers of a received message ({@code List<Integer>}).
	 */
	public static final String SUBSCRIPTION_IDENTIFIERS = PREFIX + "subscriptionIdentifiers";

	/**
	 * Id of the listener that received the message ({@code String}).
	 */
	public static final String LISTENER_ID = PREFIX + "listenerId";

	private MqttHeaders() {
	}

}
