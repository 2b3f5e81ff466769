package dev.mqttspring.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.testsupport.MosquittoBroker;

import static dev.mqttspring.core.MqttTemplateValidationTests.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker limits announced in CONNACK (maximum QoS, maximum packet size, retain
 * available) are checked before sending: against the embedded HiveMQ broker and a
 * mosquitto with {@code max_packet_size}.
 */
class MqttTemplateBrokerLimitsTests {

	private static final int MAX_PACKET_SIZE = 4096;

	private static EmbeddedMqttBroker broker;

	private final TestConnections connections = new TestConnections();

	@BeforeAll
	static void startBroker() {
		broker = EmbeddedMqttBroker.builder()
			.port(0)
			.maxQos(1)
			.maxPacketSize(MAX_PACKET_SIZE)
			.retainedMessagesEnabled(false)
			.build();
		broker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@AfterEach
	void close() {
		this.connections.close();
	}

	@Test
	void brokerLimitsFromConnackAreEnforcedBeforeSending() throws Exception {
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		assertThat(connection.getBrokerLimits().maximumQos()).isEqualTo(1);
		assertThat(connection.getBrokerLimits().retainAvailable()).isFalse();
		assertThat(connection.getBrokerLimits().maximumPacketSize()).isEqualTo(MAX_PACKET_SIZE);
		MqttTemplate template = new MqttTemplate(connection);
		String topic = TestConnections.uniqueTopic("limits");
		List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);

		assertRejected(template.publish(topic, "x", 2, false), InvalidMqttMessageException.class,
				"QoS 2 for topic '" + topic + "' exceeds the maximum QoS 1 (the broker's Maximum QoS from CONNACK);"
						+ " publish with QoS 1 or lower, or set mqtt.template.qos-exceeded=downgrade");
		assertRejected(template.publish(topic, "x", 1, true), InvalidMqttMessageException.class,
				"Retain is not available on this broker (Retain Available = 0 in its CONNACK), so the retained message to '"
						+ topic + "' would be refused; publish with retain=false");
		// fixed header 1 + remaining length 2 + topic 2+n + packet id 2 + property length 1 + topic alias 3
		// (the broker allows topic aliases and Paho adds one); byte[] payloads get no other properties
		assertThat(connection.getBrokerLimits().topicAliasMaximum()).isPositive();
		int fitting = MAX_PACKET_SIZE - (1 + 2 + 2 + topic.length() + 2 + 1 + 3);
		assertRejected(template.publish(topic, new byte[fitting + 1]), InvalidMqttMessageException.class,
				"Payload of " + (fitting + 1) + " bytes for topic '" + topic + "' makes a PUBLISH packet of "
						+ (MAX_PACKET_SIZE + 1) + " bytes, which exceeds the maximum packet size " + MAX_PACKET_SIZE
						+ " bytes (the broker's Maximum Packet Size from CONNACK); send at most " + fitting + " payload bytes");
		assertThat(received).isEmpty();

		template.publish(topic, new byte[fitting]).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		assertThat(received.get(0).getPayload()).hasSize(fitting);
		assertThat(connection.isConnected()).isTrue();
		assertThat(connection.getReconnectCount()).isZero();
	}

	@Test
	void packetSizeCountsTheMqtt5Properties() throws Exception {
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		String topic = TestConnections.uniqueTopic("props");
		List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);
		// String payload: content type (1+2+25) and payload format indicator (1+1); user property (1+2+1+2+5)
		int properties = (1 + 2 + MqttTemplate.TEXT_CONTENT_TYPE.length()) + 2 + (1 + 2 + 1 + 2 + 5);
		int fitting = MAX_PACKET_SIZE - (1 + 2 + 2 + topic.length() + 2 + 1 + 3 + properties);
		assertRejected(template.publish(MqttMessageBuilder.withPayload("a".repeat(fitting + 1)).topic(topic)
			.userProperty("k", "value").build()), InvalidMqttMessageException.class, "makes a PUBLISH packet of "
					+ (MAX_PACKET_SIZE + 1) + " bytes");
		template.publish(MqttMessageBuilder.withPayload("a".repeat(fitting)).topic(topic).userProperty("k", "value").build())
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		assertThat(received.get(0).getProperties().getUserProperty("k")).isEqualTo("value");
		assertThat(connection.isConnected()).isTrue();
	}

	@Test
	void qosAboveTheBrokersMaximumIsDowngradedWhenConfigured() throws Exception {
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		template.setQosExceeded(MqttTemplate.QosExceeded.DOWNGRADE);
		String topic = TestConnections.uniqueTopic("downgrade");
		List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);
		template.publish(topic, "x", 2, false).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		assertThat(received.get(0).getQos()).isEqualTo(1);
	}

	@Test
	void mosquittoMaxPacketSizeIsEnforcedBeforeSending() throws Exception {
		try (MosquittoBroker mosquitto = MosquittoBroker.builder().maxPacketSize(2048).start()) {
			MqttConnection connection = this.connections.start(mosquitto.url(), MqttVersion.V5);
			assertThat(connection.getBrokerLimits().maximumPacketSize()).isEqualTo(2048);
			MqttTemplate template = new MqttTemplate(connection);
			String topic = TestConnections.uniqueTopic("mosquitto");
			List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);
			int fitting = 2048 - (1 + 2 + 2 + topic.length() + 2 + 1 + 3);
			assertRejected(template.publish(topic, new byte[3000]), InvalidMqttMessageException.class,
					"Payload of 3000 bytes for topic '" + topic + "' makes a PUBLISH packet of");
			template.publish(topic, new byte[fitting]).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
			assertThat(connection.isConnected()).isTrue();
			assertThat(connection.getReconnectCount()).isZero();
		}
	}

	@Test
	void mosquittoMaxPacketSizeOnMqtt311NeedsTheConfiguredLimit() throws Exception {
		try (MosquittoBroker mosquitto = MosquittoBroker.builder().maxPacketSize(2048).start()) {
			MqttConnection connection = this.connections.start(mosquitto.url(), MqttVersion.V3_1_1,
					(settings) -> settings.setMaxPacketSize(2048));
			MqttTemplate template = new MqttTemplate(connection);
			template.setMaxPacketSize(2048);
			String topic = TestConnections.uniqueTopic("mosquitto311");
			List<MqttInboundMessage> received = TestConnections.collect(connection, topic, 1);
			int fitting = 2048 - (1 + 2 + 2 + topic.length() + 2);
			assertRejected(template.publish(topic, new byte[fitting + 1]), InvalidMqttMessageException.class,
					"exceeds the maximum packet size 2048 bytes (mqtt.max-packet-size)");
			template.publish(topic, new byte[fitting]).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
			assertThat(connection.isConnected()).isTrue();
			assertThat(connection.getReconnectCount()).isZero();
		}
	}

}
