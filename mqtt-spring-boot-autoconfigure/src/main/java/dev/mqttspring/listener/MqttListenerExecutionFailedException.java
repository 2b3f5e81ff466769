package dev.mqttspring.listener;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a listener failed to process a message: the payload could not be converted,
 * the method threw, or the reply could not be published.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerExecutionFailedException extends RuntimeException {

	private final String listenerId;

	private final String topic;

	/**
	 * Create a new instance.
	 * @param listenerId the listener id
	 * @param topic the topic of the message
	 * @param message the description
	 * @param cause the cause
	 */
	public MqttListenerExecutionFailedException(String listenerId, String topic, String message,
			@Nullable Throwable cause) {
		super(message, cause);
		this.listenerId = listenerId;
		this.topic = topic;
	}

	/**
	 * Return the id of the listener that failed.
	 * @return the listener id
	 */
	public String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Return the topic of the message that failed.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
