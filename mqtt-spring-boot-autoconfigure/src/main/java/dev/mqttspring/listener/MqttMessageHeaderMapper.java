package dev.mqttspring.listener;

import java.util.HashMap;
import java.util.Map;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.support.MqttHeaders;

/**
 * Maps a received MQTT message to a spring-messaging {@link Message} with
 * {@link MqttHeaders}. Each MQTT 5 user property is also a header of its own name (first
 * value) unless that name is taken.
 */
public final class MqttMessageHeaderMapper {

	private MqttMessageHeaderMapper() {
	}

	/**
	 * Map a received message.
	 * @param message the received message
	 * @param listenerId the id of the listener that received it
	 * @param extraHeaders further headers, set last
	 * @return the message with the payload bytes and the headers
	 */
	public static Message<byte[]> toMessage(MqttInboundMessage message, String listenerId, Map<String, ?> extraHeaders) {
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
		headers.put(MqttHeaders.LISTENER_ID, listenerId);
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

	private static void putIfNotNull(Map<String, Object> headers, String name, Object value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

	private static MimeType parse(String contentType) {
		try {
			return MimeTypeUtils.parseMimeType(contentType);
		}
		catch (InvalidMimeTypeException ex) {
			return null;
		}
	}

}
