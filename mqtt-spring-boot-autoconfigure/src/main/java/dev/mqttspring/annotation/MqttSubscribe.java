package dev.mqttspring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as the listener for messages on one or more MQTT topic filters.
 * <p>
 * Each annotated method gets its own listener container, owned by the
 * {@code MqttListenerEndpointRegistry}: it subscribes through the shared connection,
 * processes its messages in order on its own thread (or, with a {@link #concurrency()}
 * above 1, on up to that many threads, in order per {@link #orderingKey() ordering key}),
 * and acknowledges a QoS 1/2 message
 * once queued or only after the method returned normally (or the error handling dealt
 * with a failure), as {@link #ackMode()} says.
 * <p>
 * Parameters are resolved by spring-messaging: the payload ({@code String},
 * {@code byte[]}, or any type through the {@code mqttMessageConverter}, JSON by default),
 * {@code @Payload} (with {@code @Valid} when a validator exists), {@code @Header} with
 * {@link dev.mqttspring.support.MqttHeaders} names, {@link TopicVariable @TopicVariable}
 * and {@code Message<?>}. A non-null return value is published as a reply to the MQTT 5
 * response topic of the request, else to the {@code @SendTo} topic.
 * <p>
 * All string attributes accept {@code ${...}} placeholders and {@code #{...}} SpEL
 * expressions.
 *
 * @author mqtt-spring-boot
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(MqttSubscribes.class)
public @interface MqttSubscribe {

	/**
	 * Alias for {@link #topics()}.
	 * @return the topic filters
	 */
	@AliasFor("topics")
	String[] value() default {};

	/**
	 * The topic filters to subscribe to, with the {@code +} and {@code #} wildcards. A level
	 * written as {@code {name}} subscribes as {@code +} and binds the matched level to the
	 * {@link TopicVariable @TopicVariable("name")} parameter, e.g.
	 * {@code sensors/{id}/temperature}.
	 * @return the topic filters
	 */
	@AliasFor("value")
	String[] topics() default {};

	/**
	 * The maximum QoS to subscribe with: 0, 1 or 2.
	 * @return the QoS
	 */
	int qos() default 1;

	/**
	 * The unique id of the listener container; defaults to
	 * {@code <beanName>.<methodName>}.
	 * @return the id
	 */
	String id() default "";

	/**
	 * The shared subscription group: subscribes to {@code $share/<group>/<filter>} so that
	 * each message is handled by only one application instance of the group.
	 * @return the group, or empty for a normal subscription
	 */
	String group() default "";

	/**
	 * Whether the listener starts with the application ({@code "true"} or
	 * {@code "false"}); defaults to {@code mqtt.listener.auto-startup}.
	 * @return whether to start automatically
	 */
	String autoStartup() default "";

	/**
	 * Name of a {@code MqttListenerErrorHandler} bean that handles an exception thrown by
	 * the method once retries are exhausted.
	 * @return the error handler bean name, or empty for the default handling
	 */
	String errorHandler() default "";

	/**
	 * Topic that a failed message is republished to once retries are exhausted and no error
	 * handler handled it; defaults to {@code mqtt.listener.dead-letter-topic}.
	 * @return the dead-letter topic, or empty for the default
	 */
	String deadLetterTopic() default "";

	/**
	 * When a QoS 1/2 message is acknowledged to the broker: {@code "received"} once it is in
	 * the listener's queue (a slow listener does not hold back the others; a message queued
	 * or in progress when the application dies is lost), or {@code "processed"} after the
	 * method returned or the error handling dealt with its failure (such a message is
	 * delivered again with a kept session). Defaults to {@code mqtt.listener.ack-mode}.
	 * @return the acknowledgement mode, or empty for the default
	 * @see dev.mqttspring.listener.MqttAckMode
	 */
	String ackMode() default "";

	/**
	 * Name of the connection to subscribe through, one of {@code mqtt.connections.<name>};
	 * defaults to the connection of {@code mqtt.*} (also named {@code "default"}).
	 * @return the connection name, or empty for the default connection
	 */
	String connection() default "";

	/**
	 * How many messages the listener may process at the same time, e.g. {@code "8"} or
	 * {@code "${app.workers}"}. Messages with the same {@link #orderingKey() ordering key}
	 * (by default the same topic) are still processed one at a time in arrival order;
	 * messages with different keys run in parallel on up to this many threads (virtual
	 * threads with {@code spring.threads.virtual.enabled=true}). Defaults to
	 * {@code mqtt.listener.concurrency} (1: one message at a time, in arrival order).
	 * @return the concurrency, or empty for the default
	 */
	String concurrency() default "";

	/**
	 * What keeps messages in order when the {@link #concurrency()} is above 1: messages
	 * with equal keys are processed one at a time in arrival order. Empty (the default):
	 * the topic. {@code "{name}"}: the value of the topic variable {@code name} of the
	 * topics, e.g. {@code orderingKey = "{device}"} with
	 * {@code topics = "devices/{device}/+"} keeps each device's messages in order whatever
	 * their sub-topic. Any other value: the name of a
	 * {@link dev.mqttspring.listener.MqttOrderingKeyResolver MqttOrderingKeyResolver} bean
	 * that computes the key from the message.
	 * @return the ordering key, or empty for the topic
	 */
	String orderingKey() default "";

	/**
	 * Whether the broker does not send this listener the messages its own connection
	 * published ({@code "true"} or {@code "false"}), as bridges and echo-free request-reply
	 * need (MQTT 5 subscription option No Local; not allowed with a {@link #group()}).
	 * Defaults to {@code mqtt.listener.no-local}; ignored with a warning on MQTT 3.1.1.
	 * @return whether to subscribe with No Local, or empty for the default
	 */
	String noLocal() default "";

	/**
	 * Whether messages keep the retain flag they were published with ({@code "true"} or
	 * {@code "false"}); by default the broker clears it on messages forwarded to an
	 * existing subscription, so that {@code MqttHeaders.RECEIVED_RETAINED} is only true
	 * for retained messages sent on subscribing (MQTT 5 subscription option Retain As
	 * Published). Defaults to {@code mqtt.listener.retain-as-published}; ignored with a
	 * warning on MQTT 3.1.1.
	 * @return whether to subscribe with Retain As Published, or empty for the default
	 */
	String retainAsPublished() default "";

	/**
	 * When the broker sends retained messages to this listener: {@code "send-on-subscribe"}
	 * on every SUBSCRIBE (the MQTT default), {@code "send-if-new-subscription"} only when
	 * the subscription did not exist, or {@code "do-not-send"} never (MQTT 5 subscription
	 * option Retain Handling, values in
	 * {@link dev.mqttspring.core.MqttRetainHandling MqttRetainHandling}). Defaults to
	 * {@code mqtt.listener.retain-handling}; ignored with a warning on MQTT 3.1.1.
	 * @return the retain handling, or empty for the default
	 */
	String retainHandling() default "";

}
