package dev.mqttspring.core;

/**
 * Thrown when a topic name or topic filter breaks an MQTT rule; the message names the
 * value, the rule and the fix.
 *
 * @author mqtt-spring-boot
 */
public class InvalidTopicException extends IllegalArgumentException {

	private final transient String topic;

	/**
	 * Create a new instance.
	 * @param topic the offending topic or filter
	 * @param message the message
	 */
	public InvalidTopicException(String topic, String message) {
		super(message);
		this.topic = topic;
	}

	/**
	 * Return the offending topic or filter.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
