package dev.mqttspring.core;

/**
 * Thrown, or used to fail a publish future, when a message breaks an MQTT rule or a
 * limit of the broker or the configuration (QoS, retain, packet size, property values),
 * before anything is sent; the message names the value, the rule and the fix.
 *
 * @author mqtt-spring-boot
 */
public class InvalidMqttMessageException extends IllegalArgumentException {

	private final transient String topic;

	private final Violation violation;

	/**
	 * Create a new instance for a violation of another kind ({@link Violation#OTHER}).
	 * @param topic the topic of the rejected message
	 * @param message the message
	 */
	public InvalidMqttMessageException(String topic, String message) {
		this(topic, Violation.OTHER, message);
	}

	/**
	 * Create a new instance.
	 * @param topic the topic of the rejected message
	 * @param violation which rule or limit the message breaks
	 * @param message the message
	 */
	public InvalidMqttMessageException(String topic, Violation violation, String message) {
		super(message);
		this.topic = topic;
		this.violation = violation;
	}

	/**
	 * Return the topic of the rejected message.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return which rule or limit the message breaks.
	 * @return the violation
	 */
	public Violation getViolation() {
		return this.violation;
	}

	/**
	 * The rules and limits a message can break.
	 */
	public enum Violation {

		/**
		 * The QoS is not 0, 1 or 2.
		 */
		INVALID_QOS,

		/**
		 * The QoS exceeds the broker's Maximum QoS or {@code mqtt.max-qos}.
		 */
		MAXIMUM_QOS_EXCEEDED,

		/**
		 * The message is retained but the broker does not support retained messages.
		 */
		RETAIN_NOT_AVAILABLE,

		/**
		 * The PUBLISH packet exceeds the broker's Maximum Packet Size or
		 * {@code mqtt.max-packet-size}.
		 */
		PACKET_TOO_LARGE,

		/**
		 * An MQTT 5 property breaks a rule (NUL, lone surrogate, too long, out of range).
		 */
		INVALID_PROPERTY,

		/**
		 * A message header has a type or value that cannot be used.
		 */
		INVALID_HEADER,

		/**
		 * Another rule.
		 */
		OTHER

	}

}
