package dev.mqttspring.listener;

import java.util.Map;

import org.springframework.messaging.Message;

import dev.mqttspring.core.MqttHeaderMapper;
import dev.mqttspring.core.MqttInboundMessage;

/**
 * Maps a received MQTT message to a spring-messaging {@link Message}.
 *
 * @deprecated since 0.1.0 in favour of {@link MqttHeaderMapper}, which maps both directions
 */
@Deprecated(since = "0.1.0")
public final class MqttMessageHeaderMapper {

	private MqttMessageHeaderMapper() {
	}

	/**
	 * Map a received message.
	 * @param message the received message
	 * @param listenerId the id of the listener that received it
	 * @param extraHeaders further headers, set last
	 * @return the message with the payload bytes and the headers
	 * @deprecated since 0.1.0 in favour of
	 * {@link MqttHeaderMapper#toMessage(MqttInboundMessage, String, Map)}
	 */
	@Deprecated(since = "0.1.0")
	public static Message<byte[]> toMessage(MqttInboundMessage message, String listenerId, Map<String, ?> extraHeaders) {
		return MqttHeaderMapper.DEFAULT.toMessage(message, listenerId, extraHeaders);
	}

}
