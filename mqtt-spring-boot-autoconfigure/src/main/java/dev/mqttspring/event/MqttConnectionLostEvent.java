package dev.mqttspring.event;

/**
 * Published when the connection is lost or a connection attempt fails.
 *
 * @author mqtt-spring-boot
 */
public class MqttConnectionLostEvent extends MqttEvent {

	private final String cause;

	private final int reasonCode;

	/**
	 * Create a new event.
	 * @param clientId the client id
	 * @param cause the cause in words
	 * @param reasonCode the MQTT reason code, or -1
	 */
	public MqttConnectionLostEvent(String clientId, String cause, int reasonCode) {
		super(clientId);
		this.cause = cause;
		this.reasonCode = reasonCode;
	}

	/**
	 * Return the cause in words.
	 * @return the cause
	 */
	public String getCause() {
		return this.cause;
	}

	/**
	 * Return the MQTT reason code, or -1.
	 * @return the reason code
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

}
