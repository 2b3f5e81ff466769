package dev.mqttspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;

import dev.mqttspring.support.MqttHeaders;

/**
 * Fluent builder of a {@link Message} for {@link MqttOperations#publish(Message)}: the
 * topic, QoS, retain flag and MQTT 5 properties become {@link MqttHeaders}.
 *
 * <pre class="code">
 * template.publish(MqttMessageBuilder.withPayload(order)
 *     .topic("orders/" + order.id())
 *     .qos(1)
 *     .messageExpiry(Duration.ofMinutes(5))
 *     .userProperty("tenant", "acme")
 *     .build());
 * </pre>
 *
 * @param <T> the payload type
 * @author mqtt-spring-boot
 */
public final class MqttMessageBuilder<T> {

	private final MessageBuilder<T> builder;

	private final List<MqttUserProperty> userProperties = new ArrayList<>();

	private MqttMessageBuilder(T payload) {
		this.builder = MessageBuilder.withPayload(payload);
	}

	/**
	 * Start a message with the given payload.
	 * @param <T> the payload type
	 * @param payload the payload: {@code byte[]}, {@code String} or any type the message
	 * converter writes (JSON by default)
	 * @return a new builder
	 */
	public static <T> MqttMessageBuilder<T> withPayload(T payload) {
		Assert.notNull(payload, "'payload' must not be null");
		return new MqttMessageBuilder<>(payload);
	}

	/**
	 * Set the topic to publish to.
	 * @param topic the topic name, without wildcards
	 * @return this builder
	 */
	public MqttMessageBuilder<T> topic(String topic) {
		Assert.notNull(topic, "'topic' must not be null");
		this.builder.setHeader(MqttHeaders.TOPIC, topic);
		return this;
	}

	/**
	 * Set the QoS; defaults to {@code mqtt.template.qos}.
	 * @param qos the QoS: 0, 1 or 2
	 * @return this builder
	 */
	public MqttMessageBuilder<T> qos(int qos) {
		this.builder.setHeader(MqttHeaders.QOS, qos);
		return this;
	}

	/**
	 * Set whether the broker retains the message; defaults to
	 * {@code mqtt.template.retain}.
	 * @param retain whether to retain the message
	 * @return this builder
	 */
	public MqttMessageBuilder<T> retain(boolean retain) {
		this.builder.setHeader(MqttHeaders.RETAIN, retain);
		return this;
	}

	/**
	 * Set the MQTT 5 content type, replacing the one set automatically for text and JSON.
	 * @param contentType the content type, such as {@code application/cbor}
	 * @return this builder
	 */
	public MqttMessageBuilder<T> contentType(String contentType) {
		this.builder.setHeader(MqttHeaders.CONTENT_TYPE, contentType);
		return this;
	}

	/**
	 * Set the MQTT 5 response topic that a responder should publish its reply to.
	 * @param responseTopic the response topic, without wildcards
	 * @return this builder
	 */
	public MqttMessageBuilder<T> responseTopic(String responseTopic) {
		this.builder.setHeader(MqttHeaders.RESPONSE_TOPIC, responseTopic);
		return this;
	}

	/**
	 * Set the MQTT 5 correlation data that a responder copies into its reply.
	 * @param correlationData the correlation data, at most 65,535 bytes
	 * @return this builder
	 */
	public MqttMessageBuilder<T> correlationData(byte[] correlationData) {
		this.builder.setHeader(MqttHeaders.CORRELATION_DATA, correlationData.clone());
		return this;
	}

	/**
	 * Set the MQTT 5 message expiry interval: the broker discards the message if it could
	 * not be delivered to a subscriber within this time.
	 * @param expiry the expiry, in whole seconds (MQTT carries seconds): zero, or from 1
	 * second to 4294967295 seconds
	 * @return this builder
	 */
	public MqttMessageBuilder<T> messageExpiry(Duration expiry) {
		Assert.notNull(expiry, "'expiry' must not be null");
		if (expiry.isNegative() || (!expiry.isZero() && expiry.compareTo(Duration.ofSeconds(1)) < 0)
				|| expiry.getNano() != 0) {
			throw new IllegalArgumentException("Message expiry " + expiry + " is not a whole number of seconds: MQTT 5 "
					+ "carries the message expiry interval in whole seconds, so a value under 1 second would be sent as 0; "
					+ "use e.g. Duration.ofSeconds(30)");
		}
		this.builder.setHeader(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, expiry.toSeconds());
		return this;
	}

	/**
	 * Set the MQTT 5 payload format indicator, replacing the one set automatically for
	 * text.
	 * @param utf8 whether the payload is UTF-8 text
	 * @return this builder
	 */
	public MqttMessageBuilder<T> payloadFormatUtf8(boolean utf8) {
		this.builder.setHeader(MqttHeaders.PAYLOAD_FORMAT_INDICATOR, utf8);
		return this;
	}

	/**
	 * Add an MQTT 5 user property; names may repeat and order is kept.
	 * @param name the property name
	 * @param value the property value
	 * @return this builder
	 */
	public MqttMessageBuilder<T> userProperty(String name, String value) {
		this.userProperties.add(new MqttUserProperty(name, value));
		return this;
	}

	/**
	 * Set any other header.
	 * @param name the header name
	 * @param value the value, or {@code null} to remove it
	 * @return this builder
	 */
	public MqttMessageBuilder<T> header(String name, @Nullable Object value) {
		this.builder.setHeader(name, value);
		return this;
	}

	/**
	 * Build the message.
	 * @return the message
	 */
	public Message<T> build() {
		if (!this.userProperties.isEmpty()) {
			this.builder.setHeader(MqttHeaders.USER_PROPERTIES, List.copyOf(this.userProperties));
		}
		return this.builder.build();
	}

}
