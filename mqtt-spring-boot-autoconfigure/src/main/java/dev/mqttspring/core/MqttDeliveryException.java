package dev.mqttspring.core;

/**
 * A message could not be delivered: the broker refused it, it timed out, the connection
 * was lost, or the offline buffer was full. The message says which and what to do.
 *
 * @author mqtt-spring-boot
 */
public class MqttDeliveryException extends RuntimeException {

	/**
	 * Reason code used when the broker sent none.
	 */
	public static final int NO_REASON_CODE = -1;

	private final int reasonCode;

	/**
	 * Create a new instance.
	 * @param message the message
	 * @param reasonCode the MQTT reason code, or {@link #NO_REASON_CODE}
	 * @param cause the cause, may be {@code null}
	 */
	public MqttDeliveryException(String message, int reasonCode, Throwable cause) {
		super(message, cause);
		this.reasonCode = reasonCode;
	}

	/**
	 * Create a new instance without a reason code.
	 * @param message the message
	 */
	public MqttDeliveryException(String message) {
		this(message, NO_REASON_CODE, null);
	}

	/**
	 * Return the MQTT reason code the broker answered with, or {@link #NO_REASON_CODE}.
	 * @return the reason code
	 */
	public int getReasonCode() {
		return this.reasonCode;
	}

}
