package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;

import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.support.MqttMessageConverters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MqttPayloads}.
 */
class MqttPayloadsTests {

	private final MessageConverter converter = MqttMessageConverters.createDefault(null);

	@Test
	void bytesAreSentAsIsWithoutProperties() {
		byte[] payload = { 1, 2 };
		MqttPayloads.Serialized serialized = MqttPayloads.serialize("a", payload, this.converter, null);
		assertThat(serialized.bytes()).isSameAs(payload);
		assertThat(serialized.properties()).isSameAs(MqttMessageProperties.NONE);
	}

	@Test
	void textIsUtf8WithItsContentType() {
		MqttPayloads.Serialized serialized = MqttPayloads.serialize("a", "é", this.converter, null);
		assertThat(serialized.bytes()).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
		assertThat(serialized.properties().getContentType()).isEqualTo(MqttTemplate.TEXT_CONTENT_TYPE);
		assertThat(serialized.properties().getPayloadFormatUtf8()).isTrue();
	}

	@Test
	void objectsAreJson() {
		MqttPayloads.Serialized serialized = MqttPayloads.serialize("a", new Order("o-1", 2), this.converter, null);
		assertThat(new String(serialized.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"o-1\",\"quantity\":2}");
		assertThat(serialized.properties().getContentType()).isEqualTo(MqttTemplate.JSON_CONTENT_TYPE);
		assertThat(serialized.properties().getPayloadFormatUtf8()).isTrue();
	}

	@Test
	void otherContentTypesOfTheConverterAreKept() {
		MessageConverter csv = converter("text/csv; charset=utf-8");
		MqttPayloads.Serialized serialized = MqttPayloads.serialize("a", new Order("o-1", 2), csv, null);
		assertThat(serialized.properties().getContentType()).isEqualTo("text/csv;charset=utf-8");
		assertThat(serialized.properties().getPayloadFormatUtf8()).isTrue();
		MqttPayloads.Serialized binary = MqttPayloads.serialize("a", new Order("o-1", 2),
				converter("application/octet-stream"), null);
		assertThat(binary.properties().getPayloadFormatUtf8()).isNull();
	}

	@Test
	void aPayloadNoConverterWritesFailsNamingTheType() {
		MessageConverter none = converter(null);
		assertThatExceptionOfType(MessageConversionException.class)
			.isThrownBy(() -> MqttPayloads.serialize("a/b", new Order("o-1", 2), none,
					new MessageHeaders(Map.of(MessageHeaders.CONTENT_TYPE, "text/csv"))))
			.withMessageStartingWith("No converter writes a payload of type " + Order.class.getName()
					+ " for topic 'a/b' with content type text/csv; pass a byte[] or String");
	}

	@Test
	void repliesConvertToTheRequestedType() {
		Message<byte[]> reply = MessageBuilder.withPayload("{\"id\":\"o-1\",\"quantity\":2}".getBytes(StandardCharsets.UTF_8))
			.setHeader(MqttHeaders.CONTENT_TYPE, "application/json")
			.build();
		assertThat(MqttPayloads.deserialize("a", reply, byte[].class, this.converter)).isSameAs(reply.getPayload());
		assertThat(MqttPayloads.deserialize("a", reply, String.class, this.converter)).startsWith("{\"id\"");
		assertThat(MqttPayloads.deserialize("a", reply, Message.class, this.converter)).isSameAs(reply);
		assertThat(MqttPayloads.deserialize("a", reply, Order.class, this.converter)).isEqualTo(new Order("o-1", 2));
		assertThatExceptionOfType(MessageConversionException.class)
			.isThrownBy(() -> MqttPayloads.deserialize("a", reply, Order.class, converter(null)))
			.withMessageStartingWith("Could not convert the reply to the request on 'a' (" + reply.getPayload().length + " bytes, content type"
					+ " application/json) to " + Order.class.getName());
	}

	/**
	 * A converter that writes every payload as "x" with the given content type, or writes
	 * and reads nothing when it is {@code null}.
	 */
	private static MessageConverter converter(String contentType) {
		return new MessageConverter() {

			@Override
			public Object fromMessage(Message<?> message, Class<?> targetClass) {
				return null;
			}

			@Override
			public Message<?> toMessage(Object payload, MessageHeaders headers) {
				return (contentType != null)
						? new GenericMessage<>("x", Map.of(MessageHeaders.CONTENT_TYPE, contentType)) : null;
			}

		};
	}

	record Order(String id, int quantity) {
	}

}
