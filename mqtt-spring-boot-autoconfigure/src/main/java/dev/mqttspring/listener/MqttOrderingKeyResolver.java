package dev.mqttspring.listener;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Computes the ordering key of a received message for a listener with a
 * {@code concurrency} above 1: messages with equal keys are processed one at a time in
 * arrival order, messages with different keys in parallel. Name a bean of this type in
 * {@code @MqttSubscribe(orderingKey = "...")}; without one the key is the topic.
 * <p>
 * It is called on the client library's delivery thread for every message, so it must be
 * fast, must not block and should not throw (a failure falls back to the topic and is
 * logged).
 *
 * @author mqtt-spring-boot
 * @see DefaultMqttListenerContainer#setConcurrency(int)
 */
@FunctionalInterface
public interface MqttOrderingKeyResolver {

	/**
	 * Return the ordering key of a message, compared with {@code equals}.
	 * @param message the received message
	 * @return the key, or {@code null} to process the message without ordering it against
	 * any other message
	 */
	@Nullable Object resolveOrderingKey(MqttInboundMessage message);

}
