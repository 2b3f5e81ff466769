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

	/**
	 * Create a new instance.
	 * @param topic the topic of the rejected message
	 * @param message the message
	 */
	public InvalidMqttMessageException(String topic, String message) {
		super(message);
		this.topic = topic;
	}

	/**
	 * Return the topic of the rejected message.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
