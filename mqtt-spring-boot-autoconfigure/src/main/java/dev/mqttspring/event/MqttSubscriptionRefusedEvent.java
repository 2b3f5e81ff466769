package dev.mqttspring.event;

/**
 * Published when the broker refused a subscription (not authorized, shared subscriptions
 * unsupported, ...).
 *
 * @author mqtt-spring-boot
 */
public class MqttSubscriptionRefusedEvent extends MqttEvent {

	private final String filter;

	private final int reasonCode;

	private final String reason;

	/**
	 * Create a new event.
	 * @param clientId the client id
	 * @param filter the topic filter
	 * @param reasonCode the SUBACK reason code
	 * @param reason the reason in words
	 */
	public MqttSubscriptionRefusedEvent(String clientId, String filter, int reasonCode, String reason) {
		super(clientId);
		this.filter = filter;
		this.reasonCode = reasonCode;
		this.reason = reason;
	}

	/**
	 * Return the topic filter.
	 * @return the filter
	 */
	public String getFilter() {
		return this.filter;
	}

	/**
	 * Return the SUBACK reason code.
	 * @return the reason code
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

	/**
	 * Return the reason in words.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
