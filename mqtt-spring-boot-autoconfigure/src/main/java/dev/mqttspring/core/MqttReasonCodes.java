package dev.mqttspring.core;

/**
 * Words for MQTT 5 reason codes (and MQTT 3.1.1 CONNACK return codes mapped onto them).
 *
 * @author mqtt-spring-boot
 */
public final class MqttReasonCodes {

	/**
	 * Session taken over: another client connected with the same client id.
	 */
	public static final int SESSION_TAKEN_OVER = 0x8E;

	/**
	 * Not authorized.
	 */
	public static final int NOT_AUTHORIZED = 0x87;

	/**
	 * Bad user name or password.
	 */
	public static final int BAD_USER_NAME_OR_PASSWORD = 0x86;

	private MqttReasonCodes() {
	}

	/**
	 * Describe a reason code.
	 * @param code the reason code
	 * @return the description, including the code in hex
	 */
	public static String describe(int code) {
		String text = switch (code) {
			case 0x00 -> "success";
			case 0x04 -> "disconnect with Will message";
			case 0x10 -> "no matching subscribers";
			case 0x11 -> "no subscription existed";
			case 0x80 -> "unspecified error (refused)";
			case 0x81 -> "malformed packet";
			case 0x82 -> "protocol error";
			case 0x83 -> "implementation specific error";
			case 0x84 -> "unsupported protocol version";
			case 0x85 -> "client identifier not valid";
			case 0x86 -> "bad user name or password";
			case 0x87 -> "not authorized";
			case 0x88 -> "server unavailable";
			case 0x89 -> "server busy";
			case 0x8A -> "banned";
			case 0x8B -> "server shutting down";
			case 0x8C -> "bad authentication method";
			case 0x8D -> "keep alive timeout";
			case 0x8E -> "session taken over by another client with the same client id";
			case 0x8F -> "topic filter invalid";
			case 0x90 -> "topic name invalid";
			case 0x91 -> "packet identifier in use";
			case 0x92 -> "packet identifier not found";
			case 0x93 -> "receive maximum exceeded";
			case 0x94 -> "topic alias invalid";
			case 0x95 -> "packet too large";
			case 0x96 -> "message rate too high";
			case 0x97 -> "quota exceeded";
			case 0x98 -> "administrative action";
			case 0x99 -> "payload format invalid";
			case 0x9A -> "retain not supported";
			case 0x9B -> "QoS not supported";
			case 0x9C -> "use another server";
			case 0x9D -> "server moved";
			case 0x9E -> "shared subscriptions not supported";
			case 0x9F -> "connection rate exceeded";
			case 0xA0 -> "maximum connect time";
			case 0xA1 -> "subscription identifiers not supported";
			case 0xA2 -> "wildcard subscriptions not supported";
			default -> "reason code";
		};
		return text + " (0x" + String.format("%02X", code) + ")";
	}

}
