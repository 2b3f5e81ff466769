package dev.mqttspring.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Whether the broker sends retained messages when a subscription is made (MQTT 5
 * subscription option "Retain Handling"); ignored on MQTT 3.1.1, where the broker always
 * sends them.
 *
 * @author mqtt-spring-boot
 */
public enum MqttRetainHandling {

	/**
	 * Send the retained messages on every SUBSCRIBE, also when the subscription exists
	 * already (value 0, the MQTT default).
	 */
	SEND_ON_SUBSCRIBE(0),

	/**
	 * Send the retained messages only when the subscription did not exist before (value
	 * 1): a repeated SUBSCRIBE of the same filter, for example when another listener
	 * raises its QoS, does not deliver them again.
	 */
	SEND_IF_NEW_SUBSCRIPTION(1),

	/**
	 * Never send retained messages when subscribing (value 2): the listener only gets
	 * messages published after it subscribed, also after a reconnect that subscribes
	 * again.
	 */
	DO_NOT_SEND(2);

	private final int code;

	MqttRetainHandling(int code) {
		this.code = code;
	}

	/**
	 * Return the value of the option in the SUBSCRIBE packet.
	 * @return 0, 1 or 2
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the retain handling of a name, ignoring case and accepting {@code -} for
	 * {@code _} ({@code send-on-subscribe}, {@code send-if-new-subscription},
	 * {@code do-not-send}), or of its code ({@code 0}, {@code 1}, {@code 2}).
	 * @param name the name or code
	 * @param source what the name comes from, for the error message
	 * @return the retain handling, or {@code null} when the name is empty
	 * @throws IllegalArgumentException if the name is not a retain handling
	 */
	public static @Nullable MqttRetainHandling of(@Nullable String name, String source) {
		if (name == null || name.isBlank()) {
			return null;
		}
		String normalized = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
		for (MqttRetainHandling value : values()) {
			if (value.name().equals(normalized) || String.valueOf(value.code).equals(normalized)) {
				return value;
			}
		}
		throw new IllegalArgumentException("Invalid retain handling '" + name + "' in " + source
				+ "; use 'send-on-subscribe' (retained messages on every subscribe, the default), "
				+ "'send-if-new-subscription' (only when the subscription is new) or 'do-not-send' (never)");
	}

}
