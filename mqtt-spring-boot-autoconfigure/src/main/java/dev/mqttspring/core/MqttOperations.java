package dev.mqttspring.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.messaging.Message;

/**
 * Publishing operations, implemented by {@link MqttTemplate}.
 * <p>
 * Every operation validates the message against the MQTT rules and the broker's limits
 * before anything is sent, and reports every outcome through the returned future: it
 * completes when the broker acknowledged the message at its QoS (QoS 0: when written), or
 * exceptionally with an {@link InvalidTopicException} or {@link InvalidMqttMessageException}
 * (rejected before sending; the connection stays up), or an {@link MqttDeliveryException}
 * (refused by the broker, timed out, offline buffer full, connection stopped). Only
 * {@code null} arguments throw. Request-reply: {@link ReplyingMqttTemplate}.
 *
 * @author mqtt-spring-boot
 * @see MqttTemplate
 */
public interface MqttOperations {

	/**
	 * Publish a payload with the default QoS and retain flag ({@code mqtt.template.qos},
	 * {@code mqtt.template.retain}). A {@code byte[]} is sent as is, a {@code String} as
	 * UTF-8 text, anything else through the message converter (JSON by default).
	 * @param topic the topic name, without wildcards
	 * @param payload the payload
	 * @return a future that completes when the broker acknowledged the message
	 */
	CompletableFuture<Void> publish(String topic, Object payload);

	/**
	 * Publish a payload with the given QoS and retain flag.
	 * @param topic the topic name, without wildcards
	 * @param payload the payload
	 * @param qos the QoS: 0, 1 or 2
	 * @param retain whether the broker should retain the message
	 * @return a future that completes when the broker acknowledged the message
	 */
	CompletableFuture<Void> publish(String topic, Object payload, int qos, boolean retain);

	/**
	 * Publish a message whose headers carry the topic and, optionally, QoS, retain flag
	 * and MQTT 5 properties, named by {@link dev.mqttspring.support.MqttHeaders}:
	 * {@code TOPIC} (required), {@code QOS}, {@code RETAIN}, {@code CONTENT_TYPE},
	 * {@code RESPONSE_TOPIC}, {@code CORRELATION_DATA}, {@code MESSAGE_EXPIRY_INTERVAL},
	 * {@code PAYLOAD_FORMAT_INDICATOR}, {@code USER_PROPERTIES}. {@link MqttMessageBuilder}
	 * builds such messages.
	 * @param message the message
	 * @return a future that completes when the broker acknowledged the message
	 */
	CompletableFuture<Void> publish(Message<?> message);

	/**
	 * Send a request and wait for its reply (MQTT 5 request-response): the request carries
	 * a response topic under the template's reply topic and random correlation data; the
	 * future completes with the first reply that carries the same correlation data.
	 * @param topic the topic the responder subscribes to
	 * @param payload the request payload
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the reply, or exceptionally on timeout, on a
	 * failed publish, when the template stops, or on an MQTT 3.1.1 connection
	 * @deprecated since 0.1.0 in favour of
	 * {@link ReplyingMqttTemplate#request(String, Object, Duration)}
	 */
	@Deprecated(since = "0.1.0")
	CompletableFuture<Message<byte[]>> request(String topic, Object payload, Duration timeout);

	/**
	 * Send a request and convert its reply to the given type through the message
	 * converter (String and byte[] directly, JSON for other types by default).
	 * @param <T> the reply type
	 * @param topic the topic the responder subscribes to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply payload to
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the converted reply
	 * @see #request(String, Object, Duration)
	 * @deprecated since 0.1.0 in favour of
	 * {@link ReplyingMqttTemplate#request(String, Object, Class, Duration)}
	 */
	@Deprecated(since = "0.1.0")
	<T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout);

	/**
	 * Send a request given as a message (headers as for {@link #publish(Message)}; a
	 * response topic or correlation data set on it are replaced) and wait for its reply.
	 * @param message the request message
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the reply
	 * @see #request(String, Object, Duration)
	 * @deprecated since 0.1.0 in favour of
	 * {@link ReplyingMqttTemplate#request(Message, Duration)}
	 */
	@Deprecated(since = "0.1.0")
	CompletableFuture<Message<byte[]>> request(Message<?> message, Duration timeout);

}
