package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Packet size arithmetic and string rules of {@link MqttPublishValidator}.
 */
class MqttPublishValidatorTests {

	@Test
	void variableByteIntegerSizesFollowTheSpecification() {
		assertThat(MqttPublishValidator.variableByteIntegerSize(0)).isEqualTo(1);
		assertThat(MqttPublishValidator.variableByteIntegerSize(127)).isEqualTo(1);
		assertThat(MqttPublishValidator.variableByteIntegerSize(128)).isEqualTo(2);
		assertThat(MqttPublishValidator.variableByteIntegerSize(16_383)).isEqualTo(2);
		assertThat(MqttPublishValidator.variableByteIntegerSize(16_384)).isEqualTo(3);
		assertThat(MqttPublishValidator.variableByteIntegerSize(2_097_151)).isEqualTo(3);
		assertThat(MqttPublishValidator.variableByteIntegerSize(2_097_152)).isEqualTo(4);
		assertThat(MqttPublishValidator.variableByteIntegerSize(MqttPublishValidator.MAX_REMAINING_LENGTH)).isEqualTo(4);
	}

	@Test
	void packetSizeCountsFixedHeaderTopicPacketIdPropertiesAndPayload() {
		// 1 + 1 (remaining 9) + 2+3 (topic) + 0 (QoS 0) + 1 (property length) + 3 (payload)
		assertThat(MqttPublishValidator.packetSize(3, 3, 0, 0, true)).isEqualTo(11);
		// QoS 1 adds the packet identifier; MQTT 3.1.1 has no property length
		assertThat(MqttPublishValidator.packetSize(3, 3, 1, 0, false)).isEqualTo(12);
		// the remaining length needs two bytes from 128 on
		assertThat(MqttPublishValidator.packetSize(1, 121, 1, 0, false)).isEqualTo(1 + 1 + 126);
		assertThat(MqttPublishValidator.packetSize(1, 122, 1, 0, false)).isEqualTo(1 + 1 + 127);
		assertThat(MqttPublishValidator.packetSize(1, 123, 1, 0, false)).isEqualTo(1 + 2 + 128);
	}

	@Test
	void propertiesLengthCountsEveryProperty() {
		MqttMessageProperties properties = MqttMessageProperties.builder()
			.contentType("ab")
			.responseTopic("r/é")
			.correlationData(new byte[4])
			.messageExpiryInterval(5L)
			.payloadFormatUtf8(true)
			.userProperty("k", "vv")
			.build();
		// content type 1+2+2, response topic 1+2+4, correlation 1+2+4, expiry 1+4, format 1+1, user 1+2+1+2+2
		assertThat(MqttPublishValidator.propertiesLength("t", properties)).isEqualTo(5 + 7 + 7 + 5 + 2 + 8);
		assertThat(MqttPublishValidator.propertiesLength("t", MqttMessageProperties.NONE)).isZero();
	}

	@Test
	void utf8LengthMatchesTheEncoder() {
		for (String value : new String[] { "", "abc", "grüße", "€", "\uD83D\uDE00 smile", "日本語/トピック" }) {
			assertThat(MqttPublishValidator.utf8Length(value)).as(value).isEqualTo(value.getBytes(StandardCharsets.UTF_8).length);
			assertThat(MqttPublishValidator.checkString("t", value, "Value")).as(value).isEqualTo(value.getBytes(StandardCharsets.UTF_8).length);
		}
	}

	@Test
	void stringPropertiesRejectNulLoneSurrogatesAndOverlongValues() {
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> MqttPublishValidator.checkString("t", "a\u0000b", "Content type"))
			.withMessage("Content type 'a\\u0000b' contains the NUL character (U+0000) at index 1, which MQTT forbids;"
					+ " remove it")
			.extracting(InvalidMqttMessageException::getViolation)
			.isEqualTo(InvalidMqttMessageException.Violation.INVALID_PROPERTY);
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> MqttPublishValidator.checkString("t", "a\uDC00", "Content type"))
			.withMessageContaining("contains a lone surrogate (U+DC00) at index 1, which is not valid UTF-8");
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> MqttPublishValidator.checkString("t", "x".repeat(65_536), "Content type"))
			.withMessageContaining("is 65536 bytes in UTF-8; MQTT allows at most 65535 bytes");
		assertThatNoException().isThrownBy(() -> MqttPublishValidator.checkString("t", "x".repeat(65_535), "Content type"));
	}

	@Test
	void packetTooLargeNamesTheSourceOfTheLimit() {
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> MqttPublishValidator.checkPacketSize("a/b", 3, 2_000_000, 1, 0, true, 1_048_576,
					MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE))
			.withMessage("Payload of 2000000 bytes for topic 'a/b' makes a PUBLISH packet of 2000012 bytes, which exceeds"
					+ " the maximum packet size 1048576 bytes (the broker's Maximum Packet Size from CONNACK); send at most"
					+ " 1048564 payload bytes with this topic and these properties, or split the payload")
			.extracting(InvalidMqttMessageException::getViolation)
			.isEqualTo(InvalidMqttMessageException.Violation.PACKET_TOO_LARGE);
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> MqttPublishValidator.checkPacketSize("a/b", 3, 2000, 1, 0, true, 1024, 1024))
			.withMessageContaining("(mqtt.max-packet-size)");
		assertThatNoException().isThrownBy(
				() -> MqttPublishValidator.checkPacketSize("a/b", 3, 1013, 1, 0, true, 1024, 1024));
	}

}
