package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Delivery outcomes against dedicated mosquitto processes: refusal by an ACL with reason
 * code 0x87, publishes during a broker restart, a full offline buffer, and the
 * acknowledgement timeout.
 */
class MqttTemplateDeliveryTests {

	private final TestConnections connections = new TestConnections();

	@AfterEach
	void close() {
		this.connections.close();
	}

	@Test
	void publishDeniedByAclFailsWithNotAuthorizedOnMqtt5() throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.acl("topic readwrite allowed/#\ntopic read denied/#\n")
			.start()) {
			MqttConnection connection = this.connections.start(broker.url(), MqttVersion.V5);
			MqttTemplate template = new MqttTemplate(connection);
			List<Object> events = new CopyOnWriteArrayList<>();
			template.setApplicationEventPublisher(events::add);
			CompletableFuture<Void> denied = template.publish("denied/x", "secret", 1, false);
			assertThatThrownBy(() -> denied.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOfSatisfying(MqttDeliveryException.class,
						(ex) -> assertThat(ex.getReasonCode()).isEqualTo(MqttReasonCodes.NOT_AUTHORIZED))
				.hasMessage("The broker refused the message to 'denied/x': not authorized (0x87)");
			assertThat(events).singleElement().isInstanceOfSatisfying(MqttDeliveryFailedEvent.class, (event) -> {
				assertThat(event.getTopic()).isEqualTo("denied/x");
				assertThat(event.getClientId()).isEqualTo(connection.getClientId());
				assertThat(event.getFailure()).isInstanceOf(MqttDeliveryException.class);
			});
			template.publish("allowed/x", "fine", 1, false).get(10, TimeUnit.SECONDS);
			assertThat(connection.isConnected()).isTrue();
			assertThat(connection.getReconnectCount()).isZero();
		}
	}

	@Test
	void qos2PublishDeniedByAclFailsWithNotAuthorizedOnMqtt5AndTheConnectionRecovers() throws Exception {
		// Paho 1.2.5 closes the connection when a PUBREC carries a failure reason code (it treats
		// [MQTT-4.3.3-4] as fatal); the future still says why and the connection comes back
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.acl("topic readwrite allowed/#\ntopic read denied/#\n")
			.start()) {
			MqttConnection connection = this.connections.start(broker.url(), MqttVersion.V5);
			MqttTemplate template = new MqttTemplate(connection);
			CompletableFuture<Void> denied = template.publish("denied/x", "secret", 2, false);
			assertThatThrownBy(() -> denied.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOfSatisfying(MqttDeliveryException.class,
						(ex) -> assertThat(ex.getReasonCode()).isEqualTo(MqttReasonCodes.NOT_AUTHORIZED));
			template.publish("allowed/x", "fine", 2, false).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
			assertThat(connection.getReconnectCount()).isLessThanOrEqualTo(1);
		}
	}

	@Test
	void publishDeniedByAclIsAcknowledgedOnMqtt311() throws Exception {
		// MQTT 3.1.1 has no reason codes: mosquitto acknowledges and drops the message
		try (MosquittoBroker broker = MosquittoBroker.builder().acl("topic read denied/#\n").start()) {
			MqttConnection connection = this.connections.start(broker.url(), MqttVersion.V3_1_1);
			MqttTemplate template = new MqttTemplate(connection);
			template.publish("denied/x", "secret", 1, false).get(10, TimeUnit.SECONDS);
			assertThat(connection.isConnected()).isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void publishDuringBrokerRestartIsDeliveredAfterIt(MqttVersion version) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
			String topic = TestConnections.uniqueTopic("restart");
			MqttConnection subscriber = this.connections.start(broker.url(), version, (settings) -> {
				settings.setCleanStart(false);
				settings.setSessionExpiry(Duration.ofHours(1));
			});
			List<MqttInboundMessage> received = TestConnections.collect(subscriber, topic, 1);
			MqttConnection connection = this.connections.start(broker.url(), version);
			MqttTemplate template = new MqttTemplate(connection);
			template.publish(topic, "before").get(10, TimeUnit.SECONDS);

			broker.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isConnected());
			CompletableFuture<Void> during = template.publish(topic, "during");
			assertThat(during).isNotDone();
			broker.restart();

			during.get(20, TimeUnit.SECONDS);
			assertThat(connection.getReconnectCount()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(received).extracting((message) -> text(message.getPayload()))
					.containsExactly("before", "during"));
		}
	}

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void publishBeyondTheOfflineBufferFailsAfterMaxBlock(MqttVersion version) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			MqttConnection connection = this.connections.start(broker.url(), version, (settings) -> {
				settings.setOfflineBufferSize(2);
				settings.setPublishMaxBlock(Duration.ofMillis(300));
			});
			MqttTemplate template = new MqttTemplate(connection);
			List<Object> events = new CopyOnWriteArrayList<>();
			template.setApplicationEventPublisher(events::add);
			String topic = TestConnections.uniqueTopic("buffer");
			broker.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isConnected());
			List<CompletableFuture<Void>> buffered = new ArrayList<>();
			buffered.add(template.publish(topic, "1"));
			buffered.add(template.publish(topic, "2"));
			CompletableFuture<Void> overflow = template.publish(topic, "3");
			assertThatThrownBy(() -> overflow.get(5, TimeUnit.SECONDS)).cause()
				.isInstanceOf(MqttDeliveryException.class)
				.hasMessageContaining("its offline buffer stayed full for 300 ms (mqtt.template.max-block): 2 messages")
				.hasMessageContaining("(limits mqtt.offline-buffer-size=2, mqtt.offline-buffer-memory=33554432 bytes); the "
						+ "message to '" + topic + "' was not sent. Raise mqtt.template.max-block or "
						+ "mqtt.offline-buffer-memory, or retry when connected");
			assertThat(events).singleElement().isInstanceOf(MqttDeliveryFailedEvent.class);
			assertThat(buffered).allSatisfy((future) -> assertThat(future).isNotDone());
			broker.restart();
			CompletableFuture.allOf(buffered.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
		}
	}

	@Test
	void publishNotAcknowledgedInTimeFailsNamingTheTimeout() throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			MqttConnection connection = this.connections.start(broker.url(), MqttVersion.V5);
			MqttTemplate template = new MqttTemplate(connection);
			template.setTimeout(Duration.ofMillis(500));
			List<Object> events = new CopyOnWriteArrayList<>();
			template.setApplicationEventPublisher(events::add);
			String topic = TestConnections.uniqueTopic("timeout");
			broker.pause();
			try {
				CompletableFuture<Void> future = template.publish(topic, "x", 1, false);
				assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).cause()
					.isInstanceOf(MqttDeliveryException.class)
					.hasMessageStartingWith("The message to '" + topic + "' was not acknowledged by the broker (QoS 1)"
							+ " within 500 ms (mqtt.template.timeout); the connection is CONNECTED. It may still be"
							+ " delivered later; raise mqtt.template.timeout or check the broker");
				assertThat(events).singleElement().isInstanceOf(MqttDeliveryFailedEvent.class);
			}
			finally {
				broker.resume();
			}
			template.setTimeout(Duration.ofSeconds(10));
			template.publish(topic, "y", 1, false).get(10, TimeUnit.SECONDS);
		}
	}

	private static String text(byte[] payload) {
		return new String(payload, StandardCharsets.UTF_8);
	}

}
