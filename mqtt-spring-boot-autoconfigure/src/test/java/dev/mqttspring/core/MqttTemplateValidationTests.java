package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.MessageBuilder;

import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Validation before sending, against mosquitto on 127.0.0.1:1883: every rejected message
 * fails its future with a message naming the value, the rule and the fix, nothing is
 * sent, and the connection stays up.
 */
class MqttTemplateValidationTests {

	private final TestConnections connections = new TestConnections();

	@AfterEach
	void close() {
		this.connections.close();
	}

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void invalidTopicsAndQosAreRejectedBeforeSendingAndTheConnectionStaysUp(MqttVersion version) throws Exception {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, version);
		MqttTemplate template = new MqttTemplate(connection);
		List<Object> events = new CopyOnWriteArrayList<>();
		template.setApplicationEventPublisher(events::add);
		String base = TestConnections.uniqueTopic("v");
		List<MqttInboundMessage> received = TestConnections.collect(connection, base.replace("/v", "/#"), 1);

		assertRejected(template.publish(base.replace("/v", "/+/b"), "x"), InvalidTopicException.class,
				"contains wildcard '+'; publish topics must be concrete, wildcards are only allowed in subscriptions");
		assertRejected(template.publish(base + "/#", "x"), InvalidTopicException.class, "contains wildcard '#'");
		assertRejected(template.publish("", "x"), InvalidTopicException.class, "Topic must not be empty");
		assertRejected(template.publish(base + "/a\u0000b", "x"), InvalidTopicException.class,
				"contains the NUL character (U+0000) at index");
		assertRejected(template.publish(base + "/a\uD800b", "x"), InvalidTopicException.class,
				"contains a lone surrogate (U+D800)");
		assertRejected(template.publish(base + "/" + "é".repeat(32_768), "x"), InvalidTopicException.class,
				"bytes in UTF-8; the maximum is 65535 bytes, use a shorter topic");
		assertRejected(template.publish(base, "x", 3, false), InvalidMqttMessageException.class,
				"QoS 3 for topic '" + base + "' is invalid; MQTT allows QoS 0 (at most once), 1 (at least once) or 2");
		assertRejected(template.publish(base, "x", -1, false), InvalidMqttMessageException.class, "QoS -1");
		assertRejected(template.publish(base, new Unwritable()), MessageConversionException.class, "Could not write JSON");
		assertRejected(template.publish(MessageBuilder.withPayload("x").build()), InvalidTopicException.class,
				"The message has no topic header; set MqttHeaders.TOPIC ('mqtt_topic')");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(base).header(MqttHeaders.QOS, "high").build()),
				InvalidMqttMessageException.class, "Header 'mqtt_qos' of the message to '" + base
						+ "' is a java.lang.String (high); use an Integer 0, 1 or 2");
		assertThat(events).hasSize(11).allSatisfy((event) -> assertThat(event).isInstanceOf(MqttDeliveryFailedEvent.class));

		template.publish(base, "valid").get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		assertThat(received).singleElement().satisfies((message) -> assertThat(message.getTopic()).isEqualTo(base));
		assertThat(connection.isConnected()).isTrue();
		assertThat(connection.getReconnectCount()).isZero();
	}

	@Test
	void invalidMqtt5PropertiesAreRejected() throws Exception {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		String topic = TestConnections.uniqueTopic("props");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).userProperty("k", "a\u0000").build()),
				InvalidMqttMessageException.class, "User property 'k' value 'a\\u0000' contains the NUL character");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).contentType("x".repeat(70_000)).build()),
				InvalidMqttMessageException.class, "is 70000 bytes in UTF-8; MQTT allows at most 65535 bytes");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).responseTopic("r/+").build()),
				InvalidMqttMessageException.class, "Response topic header (mqtt_responseTopic) of the message to '" + topic
						+ "' is invalid: Topic 'r/+' contains wildcard '+'");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).correlationData(new byte[70_000]).build()),
				InvalidMqttMessageException.class, "Correlation data of 70000 bytes");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).header(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, -5L).build()),
				InvalidMqttMessageException.class, "Message expiry interval -5 is out of range; use 0 to 4294967295 seconds");
		assertRejected(template.publish(MqttMessageBuilder.withPayload("x").topic(topic).header(MqttHeaders.USER_PROPERTIES, 42).build()),
				InvalidMqttMessageException.class, "use a List<MqttUserProperty> or a Map<String, String>");
		template.publish(MqttMessageBuilder.withPayload("x").topic(topic).header(MqttHeaders.USER_PROPERTIES, Map.of("k", "v")).build())
			.get(10, TimeUnit.SECONDS);
		assertThat(connection.isConnected()).isTrue();
	}

	@Test
	void nullArgumentsThrow() {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish(null, "x")).withMessage("'topic' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish("a", null)).withMessage("'payload' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> template.publish(null)).withMessage("'message' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> template.request("a", "x", Duration.ZERO))
			.withMessageContaining("'timeout' must be positive");
	}

	@Test
	void configuredLimitsAreNamedOnMqtt311() throws Exception {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V3_1_1, (settings) -> {
			settings.setMaxQos(1);
			settings.setMaxPacketSize(1024);
		});
		MqttTemplate template = new MqttTemplate(connection);
		template.setMaxQos(1);
		template.setMaxPacketSize(1024);
		String topic = TestConnections.uniqueTopic("limits");
		List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);
		assertRejected(template.publish(topic, "x", 2, false), InvalidMqttMessageException.class,
				"QoS 2 for topic '" + topic + "' exceeds the maximum QoS 1 (mqtt.max-qos=1); publish with QoS 1 or lower,"
						+ " or set mqtt.template.qos-exceeded=downgrade");
		// fixed header 1 + remaining length 2 + topic 2+n + packet id 2 (no properties on 3.1.1)
		int fitting = 1024 - (1 + 2 + 2 + topic.length() + 2);
		assertRejected(template.publish(topic, new byte[fitting + 1]), InvalidMqttMessageException.class,
				"Payload of " + (fitting + 1) + " bytes for topic '" + topic + "' makes a PUBLISH packet of 1025 bytes,"
						+ " which exceeds the maximum packet size 1024 bytes (mqtt.max-packet-size); send at most " + fitting
						+ " payload bytes");
		template.publish(topic, new byte[fitting]).get(10, TimeUnit.SECONDS);
		template.setQosExceeded(MqttTemplate.QosExceeded.DOWNGRADE);
		template.publish(topic, "downgraded".getBytes(StandardCharsets.UTF_8), 2, false).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
		assertThat(received.get(1).getQos()).isEqualTo(1);
		assertThat(connection.isConnected()).isTrue();
	}

	public static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not serializable");
		}

	}

	static void assertRejected(CompletableFuture<?> future, Class<? extends Throwable> type, String message) {
		assertThat(future).isCompletedExceptionally();
		assertThatThrownBy(future::join).cause().isInstanceOf(type).hasMessageContaining(message);
	}

}
