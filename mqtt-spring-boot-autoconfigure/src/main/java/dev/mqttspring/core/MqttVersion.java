package dev.mqttspring.core;

/**
 * MQTT protocol versions the starter speaks.
 *
 * @author mqtt-spring-boot
 */
public enum MqttVersion {

	/**
	 * MQTT 5.0, the default.
	 */
	V5("5"),

	/**
	 * MQTT 3.1.1.
	 */
	V3_1_1("3.1.1");

	private final String label;

	MqttVersion(String label) {
		this.label = label;
	}

	/**
	 * Return the version as users write it ({@code 5} or {@code 3.1.1}).
	 * @return the version label
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Parse a version as written in configuration: {@code 5}, {@code 5.0}, {@code 3.1.1}, {@code V5}
	 * or {@code V3_1_1}.
	 * @param value the value to parse
	 * @return the version
	 * @throws IllegalArgumentException if the value is not a supported version
	 */
	public static MqttVersion parse(String value) {
		String v = (value != null) ? value.trim() : "";
		return switch (v.toUpperCase()) {
			case "5", "5.0", "V5", "MQTT5" -> V5;
			case "3.1.1", "3", "V3_1_1", "V3", "MQTT3" -> V3_1_1;
			default -> throw new IllegalArgumentException("MQTT version '" + value
					+ "' is not supported; use '5' (MQTT 5.0, the default) or '3.1.1'");
		};
	}

	@Override
	public String toString() {
		return this.label;
	}

}
