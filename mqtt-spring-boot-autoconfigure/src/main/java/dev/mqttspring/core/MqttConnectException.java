package dev.mqttspring.core;

/**
 * A connection to the broker could not be made; the message names the URL and the
 * reason (unreachable, bad credentials, not authorized, TLS failure, ...).
 *
 * @author mqtt-spring-boot
 */
public class MqttConnectException extends RuntimeException {

	private final int reasonCode;

	/**
	 * Create a new instance.
	 * @param message the message
	 * @param reasonCode the MQTT reason code, or -1
	 * @param cause the cause, may be {@code null}
	 */
	public MqttConnectException(String message, int reasonCode, Throwable cause) {
		super(message, cause);
		this.reasonCode = reasonCode;
	}

	/**
	 * Return the MQTT reason code from the CONNACK or DISCONNECT, or -1.
	 * @return the reason code
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

}
