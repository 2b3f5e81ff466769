package dev.mqttspring.config;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.MessageConverter;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttRetainHandling;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttListenerErrorHandler;
import dev.mqttspring.listener.MqttMessageListener;
import dev.mqttspring.listener.MqttOrderingKeyResolver;

/**
 * Describes a listener: what it subscribes to and how its messages are processed. A
 * {@link MqttListenerContainerFactory} turns it into a container.
 *
 * @author mqtt-spring-boot
 * @see MethodMqttListenerEndpoint
 * @see SimpleMqttListenerEndpoint
 */
public interface MqttListenerEndpoint {

	/**
	 * Return the unique listener id.
	 * @return the id
	 */
	String getId();

	/**
	 * Return the topic filters to subscribe to: wildcards in place of topic variables, and
	 * the {@code $share/<group>/} prefix when a group is set.
	 * @return the validated filters
	 * @throws dev.mqttspring.core.InvalidTopicException if a filter breaks an MQTT rule
	 */
	List<String> getTopicFilters();

	/**
	 * Return the requested QoS.
	 * @return the QoS
	 */
	int getQos();

	/**
	 * Return the shared subscription group.
	 * @return the group or {@code null}
	 */
	@Nullable String getGroup();

	/**
	 * Return whether to start with the application, or {@code null} for the factory's
	 * default.
	 * @return whether to start automatically
	 */
	@Nullable Boolean getAutoStartup();

	/**
	 * Return the error handler, or {@code null} for the factory's default.
	 * @return the error handler
	 */
	@Nullable MqttListenerErrorHandler getErrorHandler();

	/**
	 * Return the dead-letter topic, or {@code null} for the factory's default.
	 * @return the dead-letter topic
	 */
	@Nullable String getDeadLetterTopic();

	/**
	 * Return when the listener acknowledges QoS 1/2 messages, or {@code null} for the
	 * factory's default.
	 * @return the acknowledgement mode
	 */
	default @Nullable MqttAckMode getAckMode() {
		return null;
	}

	/**
	 * Return how many messages the listener may process at the same time, or
	 * {@code null} for the factory's default.
	 * @return the concurrency
	 */
	default @Nullable Integer getConcurrency() {
		return null;
	}

	/**
	 * Return what computes the ordering key of a message when the concurrency is above 1,
	 * or {@code null} to order by topic.
	 * @return the resolver
	 */
	default @Nullable MqttOrderingKeyResolver getOrderingKeyResolver() {
		return null;
	}

	/**
	 * Return whether the broker must not send the listener messages its own connection
	 * published (MQTT 5 "No Local"), or {@code null} for the factory's default.
	 * @return the option
	 */
	default @Nullable Boolean getNoLocal() {
		return null;
	}

	/**
	 * Return whether forwarded messages keep their retain flag (MQTT 5 "Retain As
	 * Published"), or {@code null} for the factory's default.
	 * @return the option
	 */
	default @Nullable Boolean getRetainAsPublished() {
		return null;
	}

	/**
	 * Return whether retained messages are sent on subscribing (MQTT 5 "Retain
	 * Handling"), or {@code null} for the factory's default.
	 * @return the option
	 */
	default @Nullable MqttRetainHandling getRetainHandling() {
		return null;
	}

	/**
	 * Return a description for log and exception messages, such as the bean method.
	 * @return the description
	 */
	String getDescription();

	/**
	 * Create the listener that processes this endpoint's messages.
	 * @param connection the connection, for replies
	 * @param messageConverter the converter for payloads and replies
	 * @return the listener
	 */
	MqttMessageListener createMessageListener(MqttConnection connection, MessageConverter messageConverter);

	/**
	 * Create the listener that processes this endpoint's messages and publishes its
	 * replies through the given operations, the template of the connection. The default
	 * implementation ignores the operations.
	 * @param connection the connection
	 * @param operations the operations replies are published through
	 * @param messageConverter the converter for payloads and replies
	 * @return the listener
	 */
	default MqttMessageListener createMessageListener(MqttConnection connection, MqttOperations operations,
			MessageConverter messageConverter) {
		return createMessageListener(connection, messageConverter);
	}

}
