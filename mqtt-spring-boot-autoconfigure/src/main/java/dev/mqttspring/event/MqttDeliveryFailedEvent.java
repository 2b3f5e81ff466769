package dev.mqttspring.event;

/**
 * Published when a message could not be delivered: a publish failed, or a listener
 * failed to process a message after retries.
 *
 * @author mqtt-spring-boot
 */
public class MqttDeliveryFailedEvent extends MqttEvent {

	private final String topic;

	private final Throwable failure;

	/**
	 * Create a new event.
	 * @param clientId the client id
	 * @param topic the topic of the message
	 * @param failure the failure
	 */
	public MqttDeliveryFailedEvent(String clientId, String topic, Throwable failure) {
		super(clientId);
		this.topic = topic;
		this.failure = failure;
	}

	/**
	 * Return the topic of the message.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the failure.
	 * @return the failure
	 */
	public Throwable getFailure() {
		return this.failure;
	}

}
