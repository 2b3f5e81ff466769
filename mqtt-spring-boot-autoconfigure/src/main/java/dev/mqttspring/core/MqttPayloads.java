package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.MimeType;

import dev.mqttspring.support.MqttHeaders;

/**
 * Payload conversion of the templates: a payload to publish to bytes and the MQTT 5
 * content type and payload format indicator that describe them; a reply to the type the
 * caller asked for.
 */
final class MqttPayloads {

	private static final MqttMessageProperties TEXT_PROPERTIES = MqttMessageProperties.builder()
		.contentType(MqttTemplate.TEXT_CONTENT_TYPE)
		.payloadFormatUtf8(true)
		.build();

	private static final MqttMessageProperties JSON_PROPERTIES = MqttMessageProperties.builder()
		.contentType(MqttTemplate.JSON_CONTENT_TYPE)
		.payloadFormatUtf8(true)
		.build();

	private MqttPayloads() {
	}

	/**
	 * Convert a payload: {@code byte[]} as is, {@code String} as UTF-8 text, anything else
	 * through the converter.
	 * @throws MessageConversionException if the converter cannot write the payload
	 */
	static Serialized serialize(String topic, Object payload, MessageConverter converter,
			@Nullable MessageHeaders headers) {
		if (payload instanceof byte[] array) {
			return new Serialized(array, MqttMessageProperties.NONE);
		}
		if (payload instanceof String text) {
			return new Serialized(text.getBytes(StandardCharsets.UTF_8), TEXT_PROPERTIES);
		}
		Message<?> converted = converter.toMessage(payload, headers);
		if (converted == null) {
			throw new MessageConversionException("No converter writes a payload of type " + payload.getClass().getName()
					+ " for topic '" + MqttPublishValidator.abbreviate(topic) + "'"
					+ ((headers != null && headers.get(MessageHeaders.CONTENT_TYPE) != null)
							? " with content type " + headers.get(MessageHeaders.CONTENT_TYPE) : "")
					+ "; pass a byte[] or String, or register a MessageConverter bean named 'mqttMessageConverter' that"
					+ " supports it (JSON needs Jackson on the classpath)");
		}
		return new Serialized(bytes(converted.getPayload(), payload), properties(converted.getHeaders()));
	}

	private static byte[] bytes(Object converted, Object original) {
		if (converted instanceof byte[] bytes) {
			return bytes;
		}
		if (converted instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw new MessageConversionException("The message converter turned a " + original.getClass().getName()
				+ " into a " + converted.getClass().getName() + "; MQTT needs byte[] or String payloads");
	}

	private static MqttMessageProperties properties(MessageHeaders headers) {
		Object contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		if (contentType == null) {
			return MqttMessageProperties.NONE;
		}
		MimeType mimeType = (contentType instanceof MimeType type) ? type : MimeType.valueOf(contentType.toString());
		boolean json = "application".equals(mimeType.getType())
				&& ("json".equals(mimeType.getSubtype()) || mimeType.getSubtype().endsWith("+json"));
		boolean utf8 = mimeType.getCharset() == null || StandardCharsets.UTF_8.equals(mimeType.getCharset());
		if (json && utf8 && mimeType.getParameters().isEmpty() && "json".equals(mimeType.getSubtype())) {
			return JSON_PROPERTIES;
		}
		return MqttMessageProperties.builder()
			.contentType(mimeType.toString())
			.payloadFormatUtf8(((json || "text".equals(mimeType.getType())) && utf8) ? Boolean.TRUE : null)
			.build();
	}

	/**
	 * Convert a reply: {@code byte[]} (or {@code Object}) as is, {@code String} from UTF-8,
	 * a {@link Message} type as the message, anything else through the converter.
	 * @throws MessageConversionException if the converter cannot read the reply
	 */
	@SuppressWarnings("unchecked")
	static <T> T deserialize(String topic, Message<byte[]> reply, Class<T> type, MessageConverter converter) {
		if (type == byte[].class || type == Object.class) {
			return (T) reply.getPayload();
		}
		if (type == String.class) {
			return (T) new String(reply.getPayload(), StandardCharsets.UTF_8);
		}
		if (Message.class.isAssignableFrom(type)) {
			return (T) reply;
		}
		Object converted = converter.fromMessage(reply, type);
		if (converted == null) {
			throw new MessageConversionException(reply, "Could not convert the reply to the request on '" + topic + "' ("
					+ reply.getPayload().length + " bytes, content type " + reply.getHeaders().get(MqttHeaders.CONTENT_TYPE)
					+ ") to " + type.getName() + "; request a byte[] or String, or register a MessageConverter bean named"
					+ " 'mqttMessageConverter' that reads it");
		}
		return (T) converted;
	}

	/**
	 * A payload as bytes, with the properties that describe them.
	 */
	record Serialized(byte[] bytes, MqttMessageProperties properties) {
	}

}
