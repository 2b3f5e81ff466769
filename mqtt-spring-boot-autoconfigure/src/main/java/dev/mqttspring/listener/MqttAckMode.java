package dev.mqttspring.listener;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * When a listener container acknowledges a QoS 1/2 message to the broker (PUBACK for QoS
 * 1, PUBREC for QoS 2, as far as the client library leaves it to the application). A
 * message dispatched to several listeners is acknowledged once each of them did.
 * The trade-off (what an application crash can lose, against one slow listener holding
 * back the acknowledgements of the others) is explained in the guide, "Acknowledgement
 * modes".
 *
 * @author mqtt-spring-boot
 * @see DefaultMqttListenerContainer#setAckMode(MqttAckMode)
 */
public enum MqttAckMode {

	/**
	 * Acknowledge a message once the listener accepted it into its queue: a slow listener
	 * does not hold back the others. When the queue holds {@code mqtt.listener.queue-capacity}
	 * messages, further acknowledgements wait until it has room, so the broker still slows
	 * down (back-pressure). Messages queued or in progress when the application dies are
	 * lost. The default with the HiveMQ client, which acknowledges in arrival order.
	 */
	RECEIVED,

	/**
	 * Acknowledge a message after the listener returned, or after the error handling dealt
	 * with its failure: a message in progress when the application dies is delivered again
	 * with a kept session. The default with Paho, which acknowledges QoS 1 messages out of
	 * order; with the HiveMQ client a slow listener holds back the other listeners of the
	 * connection once the broker's in-flight window is full.
	 */
	PROCESSED;

	/**
	 * Return the mode of a name, ignoring case ({@code received}, {@code processed}).
	 * @param name the name
	 * @param source what the name comes from, for the error message
	 * @return the mode, or {@code null} when the name is empty
	 * @throws IllegalArgumentException if the name is not a mode
	 */
	public static @Nullable MqttAckMode of(@Nullable String name, String source) {
		if (name == null || name.isBlank()) {
			return null;
		}
		try {
			return valueOf(name.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid acknowledgement mode '" + name + "' in " + source
					+ "; use 'received' (acknowledge once queued) or 'processed' (acknowledge after the listener finished)",
					ex);
		}
	}

}
