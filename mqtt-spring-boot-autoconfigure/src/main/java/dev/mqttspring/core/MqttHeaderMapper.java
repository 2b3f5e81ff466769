package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import dev.mqttspring.core.InvalidMqttMessageException.Violation;
import dev.mqttspring.support.MqttHeaders;

/**
 * Maps between spring-messaging headers ({@link MqttHeaders}) and MQTT 5 message
 * properties, in both directions: for {@link MqttTemplate} when publishing a
 * {@link Message}, and for listeners and replies when a message arrives.
 *
 * @author mqtt-spring-boot
 */
public class MqttHeaderMapper {

	/**
	 * The mapper used when none is configured.
	 */
	public static final MqttHeaderMapper DEFAULT = new MqttHeaderMapper();

	// ---- inbound

	/**
	 * Map a received message to a {@link Message} with the payload bytes and
	 * {@link MqttHeaders}. Each MQTT 5 user property is also a header of its own name (first
	 * value) unless that name is taken.
	 * @param message the received message
	 * @param listenerId the id of the listener that received it, or {@code null}
	 * @param extraHeaders further headers, set last
	 * @return the message
	 */
	public Message<byte[]> toMessage(MqttInboundMessage message, @Nullable String listenerId,
			Map<String, ?> extraHeaders) {
		Map<String, Object> headers = new HashMap<>();
		MqttMessageProperties properties = message.getProperties();
		for (MqttUserProperty property : properties.getUserProperties()) {
			if (!property.name().startsWith(MqttHeaders.PREFIX) && !MessageHeaders.ID.equals(property.name())
					&& !MessageHeaders.TIMESTAMP.equals(property.name())) {
				headers.putIfAbsent(property.name(), property.value());
			}
		}
		headers.put(MqttHeaders.RECEIVED_TOPIC, message.getTopic());
		headers.put(MqttHeaders.RECEIVED_QOS, message.getQos());
		headers.put(MqttHeaders.RECEIVED_RETAINED, message.isRetained());
		headers.put(MqttHeaders.DUPLICATE, message.isDuplicate());
		headers.put(MqttHeaders.ID, message.getMessageId());
		if (listenerId != null) {
			headers.put(MqttHeaders.LISTENER_ID, listenerId);
		}
		String contentType = properties.getContentType();
		if (contentType != null) {
			headers.put(MqttHeaders.CONTENT_TYPE, contentType);
			MimeType mimeType = parse(contentType);
			if (mimeType != null) {
				headers.put(MessageHeaders.CONTENT_TYPE, mimeType);
			}
			else {
				headers.remove(MessageHeaders.CONTENT_TYPE);
			}
		}
		putIfNotNull(headers, MqttHeaders.RESPONSE_TOPIC, properties.getResponseTopic());
		putIfNotNull(headers, MqttHeaders.CORRELATION_DATA, properties.getCorrelationData());
		putIfNotNull(headers, MqttHeaders.MESSAGE_EXPIRY_INTERVAL, properties.getMessageExpiryInterval());
		putIfNotNull(headers, MqttHeaders.PAYLOAD_FORMAT_INDICATOR, properties.getPayloadFormatUtf8());
		if (!properties.getUserProperties().isEmpty()) {
			headers.put(MqttHeaders.USER_PROPERTIES, properties.getUserProperties());
		}
		if (!properties.getSubscriptionIdentifiers().isEmpty()) {
			headers.put(MqttHeaders.SUBSCRIPTION_IDENTIFIERS, properties.getSubscriptionIdentifiers());
		}
		headers.putAll(extraHeaders);
		return new GenericMessage<>(message.getPayload(), headers);
	}

	private static void putIfNotNull(Map<String, Object> headers, String name, @Nullable Object value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

	private static @Nullable MimeType parse(String contentType) {
		try {
			return MimeTypeUtils.parseMimeType(contentType);
		}
		catch (InvalidMimeTypeException ex) {
			return null;
		}
	}

	// ---- outbound

	/**
	 * Return the topic of a message to publish ({@link MqttHeaders#TOPIC}).
	 * @param headers the headers of the message
	 * @return the topic
	 * @throws InvalidTopicException if the header is missing
	 * @throws InvalidMqttMessageException if the header is not a String
	 */
	public String topic(MessageHeaders headers) {
		Object topic = headers.get(MqttHeaders.TOPIC);
		if (topic == null) {
			throw new InvalidTopicException(null, "The message has no topic header; set MqttHeaders.TOPIC ('"
					+ MqttHeaders.TOPIC + "'), for example with MqttMessageBuilder.withPayload(payload).topic(\"a/b\")");
		}
		if (!(topic instanceof String text)) {
			throw headerType("?", MqttHeaders.TOPIC, topic, "a String");
		}
		return text;
	}

	/**
	 * Return the QoS of a message to publish ({@link MqttHeaders#QOS}).
	 * @param topic the topic, for error messages
	 * @param headers the headers of the message
	 * @param defaultQos the QoS when the header is missing
	 * @return the QoS, not yet validated
	 */
	public int qos(String topic, MessageHeaders headers, int defaultQos) {
		Object qos = headers.get(MqttHeaders.QOS);
		if (qos == null) {
			return defaultQos;
		}
		if (qos instanceof Number number) {
			return number.intValue();
		}
		if (qos instanceof String text) {
			try {
				return Integer.parseInt(text.trim());
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		throw headerType(topic, MqttHeaders.QOS, qos, "an Integer 0, 1 or 2");
	}

	/**
	 * Return the retain flag of a message to publish ({@link MqttHeaders#RETAIN}).
	 * @param topic the topic, for error messages
	 * @param headers the headers of the message
	 * @param defaultRetain the flag when the header is missing
	 * @return the retain flag
	 */
	public boolean retain(String topic, MessageHeaders headers, boolean defaultRetain) {
		Object retain = headers.get(MqttHeaders.RETAIN);
		return (retain != null) ? booleanHeader(topic, MqttHeaders.RETAIN, retain) : defaultRetain;
	}

	/**
	 * Apply the MQTT 5 property headers of a message to publish on top of the given
	 * properties: {@code CONTENT_TYPE} (else {@link MessageHeaders#CONTENT_TYPE}),
	 * {@code RESPONSE_TOPIC}, {@code CORRELATION_DATA}, {@code MESSAGE_EXPIRY_INTERVAL},
	 * {@code PAYLOAD_FORMAT_INDICATOR} and {@code USER_PROPERTIES}.
	 * @param topic the topic, for error messages
	 * @param base the properties from payload conversion
	 * @param headers the headers of the message
	 * @return the properties to send
	 * @throws InvalidMqttMessageException if a header has a type or value MQTT does not allow
	 */
	public MqttMessageProperties toProperties(String topic, MqttMessageProperties base, MessageHeaders headers) {
		Object contentType = headers.get(MqttHeaders.CONTENT_TYPE);
		if (contentType == null) {
			contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		}
		Object responseTopic = headers.get(MqttHeaders.RESPONSE_TOPIC);
		Object correlationData = headers.get(MqttHeaders.CORRELATION_DATA);
		Object expiry = headers.get(MqttHeaders.MESSAGE_EXPIRY_INTERVAL);
		Object payloadFormat = headers.get(MqttHeaders.PAYLOAD_FORMAT_INDICATOR);
		Object userProperties = headers.get(MqttHeaders.USER_PROPERTIES);
		if (contentType == null && responseTopic == null && correlationData == null && expiry == null
				&& payloadFormat == null && userProperties == null) {
			return base;
		}
		MqttMessageProperties.Builder builder = base.toBuilder();
		if (contentType != null) {
			builder.contentType(contentType.toString());
		}
		if (responseTopic != null) {
			try {
				builder.responseTopic(responseTopic.toString());
			}
			catch (InvalidTopicException ex) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, "Response topic header ("
						+ MqttHeaders.RESPONSE_TOPIC + ") of the message to '" + MqttPublishValidator.abbreviate(topic)
						+ "' is invalid: " + ex.getMessage());
			}
		}
		if (correlationData != null) {
			builder.correlationData(correlationData(topic, correlationData));
		}
		if (expiry != null) {
			try {
				builder.messageExpiryInterval(expirySeconds(topic, expiry));
			}
			catch (InvalidMqttMessageException ex) {
				throw ex;
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, ex.getMessage());
			}
		}
		if (payloadFormat != null) {
			builder.payloadFormatUtf8(booleanHeader(topic, MqttHeaders.PAYLOAD_FORMAT_INDICATOR, payloadFormat));
		}
		if (userProperties != null) {
			addUserProperties(topic, builder, userProperties);
		}
		return builder.build();
	}

	private static byte[] correlationData(String topic, Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		if (value instanceof String || value instanceof UUID) {
			return value.toString().getBytes(StandardCharsets.UTF_8);
		}
		throw headerType(topic, MqttHeaders.CORRELATION_DATA, value, "a byte[], String or UUID");
	}

	private static long expirySeconds(String topic, Object value) {
		if (value instanceof Duration duration) {
			return duration.toSeconds();
		}
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		throw headerType(topic, MqttHeaders.MESSAGE_EXPIRY_INTERVAL, value, "a number of seconds (Long) or a Duration");
	}

	private static void addUserProperties(String topic, MqttMessageProperties.Builder builder, Object value) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((name, propertyValue) -> {
				if (propertyValue instanceof Collection<?> values) {
					values.forEach((v) -> builder.userProperty(String.valueOf(name), String.valueOf(v)));
				}
				else {
					builder.userProperty(String.valueOf(name), String.valueOf(propertyValue));
				}
			});
			return;
		}
		if (value instanceof Collection<?> collection) {
			for (Object element : collection) {
				if (element instanceof MqttUserProperty property) {
					builder.userProperty(property.name(), property.value());
				}
				else if (element instanceof Map.Entry<?, ?> entry) {
					builder.userProperty(String.valueOf(entry.getKey()), String.valueOf(entry.getValue()));
				}
				else {
					throw headerType(topic, MqttHeaders.USER_PROPERTIES, value,
							"a List<MqttUserProperty> or a Map<String, String>");
				}
			}
			return;
		}
		throw headerType(topic, MqttHeaders.USER_PROPERTIES, value, "a List<MqttUserProperty> or a Map<String, String>");
	}

	private static boolean booleanHeader(String topic, String name, Object value) {
		if (value instanceof Boolean bool) {
			return bool;
		}
		if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
			return Boolean.parseBoolean(text);
		}
		throw headerType(topic, name, value, "a Boolean");
	}

	private static InvalidMqttMessageException headerType(String topic, String name, Object value, String expected) {
		return new InvalidMqttMessageException(topic, Violation.INVALID_HEADER, "Header '" + name
				+ "' of the message to '" + MqttPublishValidator.abbreviate(topic) + "' is a " + value.getClass().getName()
				+ " (" + value + "); use " + expected);
	}

}
