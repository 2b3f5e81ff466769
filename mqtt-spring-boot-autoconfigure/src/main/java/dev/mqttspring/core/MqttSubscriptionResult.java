package dev.mqttspring.core;

/**
 * The broker's answer to a subscription.
 *
 * @param filter the topic filter
 * @param requestedQos the QoS asked for
 * @param reasonCode the SUBACK reason code: the granted QoS (0, 1, 2) or a failure code
 * (0x80 and above)
 * @author mqtt-spring-boot
 */
public record MqttSubscriptionResult(String filter, int requestedQos, int reasonCode) {

	/**
	 * Return whether the broker granted the subscription.
	 * @return whether granted
	 */
	public boolean isGranted() {
		return this.reasonCode < 0x80;
	}

	/**
	 * Return the granted QoS, or -1 if refused.
	 * @return the granted QoS
	 */
	public int grantedQos() {
		return isGranted() ? this.reasonCode : -1;
	}

	/**
	 * Return whether the broker granted a lower QoS than requested.
	 * @return whether downgraded
	 */
	public boolean isDowngraded() {
		return isGranted() && this.reasonCode < this.requestedQos;
	}

	/**
	 * Return the reason in words.
	 * @return the reason
	 */
	public String reason() {
		if (isGranted()) {
			return isDowngraded() ? "granted QoS " + this.reasonCode + " instead of the requested QoS " + this.requestedQos
					: "granted QoS " + this.reasonCode;
		}
		return MqttReasonCodes.describe(this.reasonCode);
	}

}
