package dev.mqttspring.core;

/**
 * MQTT quality-of-service rules.
 *
 * @author mqtt-spring-boot
 */
public final class MqttQos {

	private MqttQos() {
	}

	/**
	 * Check that a QoS is 0, 1 or 2.
	 * @param qos the QoS
	 * @param what what the QoS is for, used in the error message
	 * @throws IllegalArgumentException if the QoS is out of range
	 */
	public static void validate(int qos, String what) {
		if (qos < 0 || qos > 2) {
			throw new IllegalArgumentException(what + " is " + qos
					+ "; MQTT allows QoS 0 (at most once), 1 (at least once) or 2 (exactly once)");
		}
	}

}
