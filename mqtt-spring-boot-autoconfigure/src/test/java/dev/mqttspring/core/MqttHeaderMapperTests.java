package dev.mqttspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.util.MimeType;

import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MqttHeaderMapper}: both directions, and a round trip of every MQTT 5
 * property that {@link MqttHeaders} names.
 */
class MqttHeaderMapperTests {

	private final MqttHeaderMapper mapper = new MqttHeaderMapper();

	@Test
	void roundTripKeepsEveryMqtt5Property() {
		MqttMessageProperties sent = MqttMessageProperties.builder()
			.contentType("application/json")
			.responseTopic("replies/1")
			.correlationData(new byte[] { 1, 2, 3 })
			.messageExpiryInterval(60L)
			.payloadFormatUtf8(true)
			.userProperty("a", "1")
			.userProperty("a", "2")
			.userProperty("b", "3")
			.build();
		Message<byte[]> received = this.mapper.toMessage(inbound(sent), "listener-1", Map.of());
		MqttMessageProperties mapped = this.mapper.toProperties("a/b", MqttMessageProperties.NONE,
				received.getHeaders());
		assertThat(mapped.getContentType()).isEqualTo("application/json");
		assertThat(mapped.getResponseTopic()).isEqualTo("replies/1");
		assertThat(mapped.getCorrelationData()).containsExactly(1, 2, 3);
		assertThat(mapped.getMessageExpiryInterval()).isEqualTo(60L);
		assertThat(mapped.getPayloadFormatUtf8()).isTrue();
		assertThat(mapped.getUserProperties()).containsExactlyElementsOf(sent.getUserProperties());
	}

	@Test
	void inboundMapsTheMessageFactsAndProperties() {
		MqttMessageProperties properties = MqttMessageProperties.builder()
			.contentType("text/plain; charset=utf-8")
			.userProperty("tenant", "t1")
			.userProperty("tenant", "t2")
			.userProperty(MqttHeaders.TOPIC, "not/a/header")
			.subscriptionIdentifiers(List.of(7))
			.build();
		Message<byte[]> message = this.mapper.toMessage(inbound(properties), "listener-1", Map.of("extra", "x"));
		MessageHeaders headers = message.getHeaders();
		assertThat(message.getPayload()).containsExactly('h', 'i');
		assertThat(headers).containsEntry(MqttHeaders.RECEIVED_TOPIC, "sensors/1")
			.containsEntry(MqttHeaders.RECEIVED_QOS, 1)
			.containsEntry(MqttHeaders.RECEIVED_RETAINED, true)
			.containsEntry(MqttHeaders.DUPLICATE, false)
			.containsEntry(MqttHeaders.ID, 42)
			.containsEntry(MqttHeaders.LISTENER_ID, "listener-1")
			.containsEntry(MqttHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
			.containsEntry(MessageHeaders.CONTENT_TYPE, MimeType.valueOf("text/plain; charset=utf-8"))
			.containsEntry(MqttHeaders.SUBSCRIPTION_IDENTIFIERS, List.of(7))
			.containsEntry("tenant", "t1")
			.containsEntry("extra", "x")
			.doesNotContainKey(MqttHeaders.TOPIC)
			.doesNotContainKey(MqttHeaders.RESPONSE_TOPIC);
	}

	@Test
	void inboundWithoutListenerIdHasNoListenerHeaderAndAnInvalidContentTypeStaysText() {
		MqttMessageProperties properties = MqttMessageProperties.builder().contentType("not a type").build();
		MessageHeaders headers = this.mapper.toMessage(inbound(properties), null, Map.of()).getHeaders();
		assertThat(headers).doesNotContainKey(MqttHeaders.LISTENER_ID)
			.doesNotContainKey(MessageHeaders.CONTENT_TYPE)
			.containsEntry(MqttHeaders.CONTENT_TYPE, "not a type");
	}

	@Test
	void outboundAcceptsTheDocumentedAlternativeTypes() {
		MessageHeaders headers = new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE, MimeType.valueOf("text/csv"),
				MqttHeaders.CORRELATION_DATA, "c-1", MqttHeaders.MESSAGE_EXPIRY_INTERVAL, Duration.ofMinutes(2),
				MqttHeaders.PAYLOAD_FORMAT_INDICATOR, "true", MqttHeaders.USER_PROPERTIES, Map.of("k", List.of("v1", "v2"))));
		MqttMessageProperties properties = this.mapper.toProperties("a/b", MqttMessageProperties.NONE, headers);
		assertThat(properties.getContentType()).isEqualTo("text/csv");
		assertThat(properties.getCorrelationData()).asString().isEqualTo("c-1");
		assertThat(properties.getMessageExpiryInterval()).isEqualTo(120L);
		assertThat(properties.getPayloadFormatUtf8()).isTrue();
		assertThat(properties.getUserProperties()).containsExactly(new MqttUserProperty("k", "v1"),
				new MqttUserProperty("k", "v2"));
	}

	@Test
	void outboundWithoutPropertyHeadersKeepsTheBase() {
		MqttMessageProperties base = MqttMessageProperties.builder().contentType("text/plain").build();
		assertThat(this.mapper.toProperties("a/b", base, new MessageHeaders(Map.of("other", 1)))).isSameAs(base);
	}

	@Test
	void outboundReadsTopicQosAndRetain() {
		MessageHeaders headers = new MessageHeaders(
				Map.of(MqttHeaders.TOPIC, "a/b", MqttHeaders.QOS, "2", MqttHeaders.RETAIN, "TRUE"));
		assertThat(this.mapper.topic(headers)).isEqualTo("a/b");
		assertThat(this.mapper.qos("a/b", headers, 1)).isEqualTo(2);
		assertThat(this.mapper.retain("a/b", headers, false)).isTrue();
		MessageHeaders empty = new MessageHeaders(Map.of());
		assertThat(this.mapper.qos("a/b", empty, 1)).isEqualTo(1);
		assertThat(this.mapper.retain("a/b", empty, true)).isTrue();
	}

	@Test
	void outboundRejectsHeadersOfTheWrongType() {
		assertThatExceptionOfType(InvalidTopicException.class)
			.isThrownBy(() -> this.mapper.topic(new MessageHeaders(Map.of())))
			.withMessageContaining("The message has no topic header");
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> this.mapper.qos("a/b", new MessageHeaders(Map.of(MqttHeaders.QOS, "high")), 1))
			.withMessage("Header 'mqtt_qos' of the message to 'a/b' is a java.lang.String (high); use an Integer 0, 1 or 2");
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> this.mapper.toProperties("a/b", MqttMessageProperties.NONE,
					new MessageHeaders(Map.of(MqttHeaders.CORRELATION_DATA, 42))))
			.withMessageContaining("use a byte[], String or UUID");
		assertThatExceptionOfType(InvalidMqttMessageException.class)
			.isThrownBy(() -> this.mapper.toProperties("a/b", MqttMessageProperties.NONE,
					new MessageHeaders(Map.of(MqttHeaders.RESPONSE_TOPIC, "a/+"))))
			.withMessageStartingWith("Response topic header (mqtt_responseTopic) of the message to 'a/b' is invalid");
	}

	private static MqttInboundMessage inbound(MqttMessageProperties properties) {
		return new MqttInboundMessage("sensors/1", new byte[] { 'h', 'i' }, 1, true, false, 42, properties, () -> {
		});
	}

}
