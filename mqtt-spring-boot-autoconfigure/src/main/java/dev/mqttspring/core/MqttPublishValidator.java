package dev.mqttspring.core;

import java.util.List;

import dev.mqttspring.core.InvalidMqttMessageException.Violation;

/**
 * The checks a message must pass before it is handed to the connection: QoS against the
 * protocol and the broker's maximum, retain against the broker's retain availability,
 * the size of the PUBLISH packet against the broker's maximum packet size, and MQTT 5
 * string properties against the UTF-8 string rules. Allocation-free unless a check
 * fails.
 */
final class MqttPublishValidator {

	/**
	 * Largest value the remaining length of an MQTT packet can encode.
	 */
	static final long MAX_REMAINING_LENGTH = 268_435_455L;

	/**
	 * Length of a Topic Alias property, which a client may add when the broker allows
	 * topic aliases (Paho does on the first publish to a topic, keeping the topic name).
	 */
	static final int TOPIC_ALIAS_LENGTH = 3;

	private static final int MAX_STRING_BYTES = 65_535;

	private MqttPublishValidator() {
	}

	static void checkQosRange(String topic, int qos) {
		if (qos < 0 || qos > 2) {
			throw new InvalidMqttMessageException(topic, Violation.INVALID_QOS, "QoS " + qos + " for topic '" + abbreviate(topic)
					+ "' is invalid; MQTT allows QoS 0 (at most once), 1 (at least once) or 2 (exactly once)");
		}
	}

	/**
	 * Describe where a maximum QoS comes from.
	 * @param maximum the effective maximum
	 * @param configured the configured maximum ({@code mqtt.max-qos})
	 * @return the source in words
	 */
	static String qosSource(int maximum, int configured) {
		return (configured == maximum) ? "mqtt.max-qos=" + configured : "the broker's Maximum QoS from CONNACK";
	}

	static InvalidMqttMessageException qosExceeded(String topic, int qos, int maximum, int configured) {
		return new InvalidMqttMessageException(topic, Violation.MAXIMUM_QOS_EXCEEDED, "QoS " + qos + " for topic '" + abbreviate(topic)
				+ "' exceeds the maximum QoS " + maximum + " (" + qosSource(maximum, configured) + "); publish with QoS "
				+ maximum + ((maximum > 0) ? " or lower" : "") + ", or set mqtt.template.qos-exceeded=downgrade");
	}

	static InvalidMqttMessageException retainNotAvailable(String topic) {
		return new InvalidMqttMessageException(topic, Violation.RETAIN_NOT_AVAILABLE, "Retain is not available on this broker (Retain Available = 0 in"
				+ " its CONNACK), so the retained message to '" + abbreviate(topic)
				+ "' would be refused; publish with retain=false (mqtt.template.retain=false for the default)");
	}

	static void checkPacketSize(String topic, int topicBytes, int payloadLength, int qos, int propertiesLength,
			boolean v5, long maximum, long configured) {
		long size = packetSize(topicBytes, payloadLength, qos, propertiesLength, v5);
		if (size <= maximum) {
			return;
		}
		long overhead = size - payloadLength;
		long allowed = Math.max(0, maximum - overhead);
		String source = (maximum == MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE) ? "the MQTT protocol maximum"
				: (configured == maximum) ? "mqtt.max-packet-size" : "the broker's Maximum Packet Size from CONNACK";
		throw new InvalidMqttMessageException(topic, Violation.PACKET_TOO_LARGE, "Payload of " + payloadLength + " bytes for topic '"
				+ abbreviate(topic) + "' makes a PUBLISH packet of " + size + " bytes, which exceeds the maximum packet size "
				+ maximum + " bytes (" + source + "); send at most " + allowed
				+ " payload bytes with this topic and these properties, or split the payload");
	}

	/**
	 * Return the size of a PUBLISH packet in bytes: fixed header, topic, packet identifier,
	 * properties and payload.
	 */
	static long packetSize(int topicBytes, int payloadLength, int qos, int propertiesLength, boolean v5) {
		long remaining = 2L + topicBytes + ((qos > 0) ? 2 : 0) + payloadLength;
		if (v5) {
			remaining += variableByteIntegerSize(propertiesLength) + propertiesLength;
		}
		return 1 + variableByteIntegerSize(remaining) + remaining;
	}

	static int variableByteIntegerSize(long value) {
		if (value < 128) {
			return 1;
		}
		if (value < 16_384) {
			return 2;
		}
		if (value < 2_097_152) {
			return 3;
		}
		return 4;
	}

	/**
	 * Validate the MQTT 5 properties of an outgoing message and return their encoded
	 * length in bytes.
	 */
	static int propertiesLength(String topic, MqttMessageProperties properties) {
		if (properties.isEmpty()) {
			return 0;
		}
		int length = 0;
		String contentType = properties.getContentType();
		if (contentType != null) {
			length += 3 + checkString(topic, contentType, "Content type");
		}
		String responseTopic = properties.getResponseTopic();
		if (responseTopic != null) {
			length += 3 + utf8Length(responseTopic);
		}
		byte[] correlationData = properties.getCorrelationData();
		if (correlationData != null) {
			if (correlationData.length > MAX_STRING_BYTES) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, "Correlation data of " + correlationData.length
						+ " bytes for topic '" + abbreviate(topic) + "' is too long; MQTT allows at most "
						+ MAX_STRING_BYTES + " bytes, use a shorter identifier");
			}
			length += 3 + correlationData.length;
		}
		if (properties.getMessageExpiryInterval() != null) {
			length += 5;
		}
		if (properties.getPayloadFormatUtf8() != null) {
			length += 2;
		}
		List<MqttUserProperty> userProperties = properties.getUserProperties();
		for (int i = 0; i < userProperties.size(); i++) {
			MqttUserProperty property = userProperties.get(i);
			length += 5 + checkString(topic, property.name(), "User property name")
					+ checkString(topic, property.value(), "User property '" + abbreviate(property.name()) + "' value");
		}
		return length;
	}

	/**
	 * Check an MQTT UTF-8 string property (no NUL, no lone surrogates, at most 65,535
	 * bytes) and return its length in UTF-8 bytes.
	 */
	static int checkString(String topic, String value, String what) {
		int length = value.length();
		int utf8 = 0;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < 0x80) {
				if (c == 0) {
					throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, what + " '" + printable(value)
							+ "' contains the NUL character (U+0000) at index " + i + ", which MQTT forbids; remove it");
				}
				utf8++;
			}
			else if (c < 0x800) {
				utf8 += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
				utf8 += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, what + " '" + printable(value) + "' contains a lone surrogate (U+"
						+ String.format("%04X", (int) c) + ") at index " + i
						+ ", which is not valid UTF-8; use well-formed Unicode");
			}
			else {
				utf8 += 3;
			}
		}
		if (utf8 > MAX_STRING_BYTES) {
			throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, what + " '" + abbreviate(value) + "' is " + utf8
					+ " bytes in UTF-8; MQTT allows at most " + MAX_STRING_BYTES + " bytes, use a shorter value");
		}
		return utf8;
	}

	/**
	 * Return the UTF-8 length of a string that is known to be well-formed.
	 */
	static int utf8Length(String value) {
		int length = value.length();
		int utf8 = length;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x80) {
				if (c < 0x800) {
					utf8 += 1;
				}
				else if (Character.isHighSurrogate(c)) {
					utf8 += 2;
					i++;
				}
				else {
					utf8 += 2;
				}
			}
		}
		return utf8;
	}

	static String abbreviate(String value) {
		return (value.length() > 80) ? value.substring(0, 60) + "...(" + value.length() + " chars)" : value;
	}

	private static String printable(String value) {
		String v = abbreviate(value);
		StringBuilder sb = new StringBuilder(v.length() + 8);
		for (int i = 0; i < v.length(); i++) {
			char c = v.charAt(i);
			if (c == 0 || Character.isSurrogate(c)) {
				sb.append(String.format("\\u%04X", (int) c));
			}
			else {
				sb.append(c);
			}
		}
		return sb.toString();
	}

}
