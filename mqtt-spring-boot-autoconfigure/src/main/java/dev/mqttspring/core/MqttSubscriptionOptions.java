package dev.mqttspring.core;

import org.springframework.util.Assert;

/**
 * The MQTT 5 subscription options of a subscription besides its QoS. MQTT 3.1.1 has none
 * of them: a connection on 3.1.1 subscribes without them.
 *
 * @param noLocal whether the broker does not send this connection the messages it
 * published itself (for bridges and echo-free request-reply)
 * @param retainAsPublished whether forwarded messages keep the retain flag they were
 * published with; without it the broker clears the flag of messages it forwards to an
 * existing subscription
 * @param retainHandling whether retained messages are sent when subscribing
 * @author mqtt-spring-boot
 */
public record MqttSubscriptionOptions(boolean noLocal, boolean retainAsPublished, MqttRetainHandling retainHandling) {

	/**
	 * The MQTT defaults: local messages delivered, retain flag cleared on forwarded
	 * messages, retained messages sent on every subscribe.
	 */
	public static final MqttSubscriptionOptions DEFAULTS = new MqttSubscriptionOptions(false, false,
			MqttRetainHandling.SEND_ON_SUBSCRIBE);

	public MqttSubscriptionOptions {
		Assert.notNull(retainHandling, "'retainHandling' must not be null");
	}

	/**
	 * Return whether these are the MQTT defaults.
	 * @return whether no option differs from the default
	 */
	public boolean isDefault() {
		return equals(DEFAULTS);
	}

	@Override
	public String toString() {
		return "noLocal=" + this.noLocal + ", retainAsPublished=" + this.retainAsPublished + ", retainHandling="
				+ this.retainHandling.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
