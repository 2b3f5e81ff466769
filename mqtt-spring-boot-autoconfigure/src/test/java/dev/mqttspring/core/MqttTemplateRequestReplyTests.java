package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;

import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MQTT 5 request-reply against mosquitto on 127.0.0.1:1883, with a responder on a
 * second connection that answers to the response topic with the correlation data.
 */
class MqttTemplateRequestReplyTests {

	private final TestConnections connections = new TestConnections();

	@AfterEach
	void close() {
		this.connections.close();
	}

	@Test
	void requestCompletesWithTheReply() throws Exception {
		String topic = TestConnections.uniqueTopic("echo");
		startResponder(topic);
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		Message<byte[]> reply = template.request(topic, "hello", Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
		assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("echo:hello");
		assertThat((String) reply.getHeaders().get(MqttHeaders.RECEIVED_TOPIC))
			.startsWith(connection.getClientId() + "/replies/");
		assertThat(reply.getHeaders().get(MqttHeaders.CONTENT_TYPE)).isEqualTo(MqttTemplate.TEXT_CONTENT_TYPE);
		assertThat(reply.getHeaders().get(MqttHeaders.CORRELATION_DATA)).isInstanceOf(byte[].class);
		assertThat(connection.getSubscriptions()).singleElement()
			.satisfies((state) -> assertThat(state.filter()).isEqualTo(connection.getClientId() + "/replies/+"));
	}

	@Test
	void concurrentRequestsEachGetTheirOwnReplyOverOneSubscription() throws Exception {
		String topic = TestConnections.uniqueTopic("echo");
		startResponder(topic);
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			replies.add(template.request(topic, "r" + i, String.class, Duration.ofSeconds(20)));
		}
		for (int i = 0; i < 50; i++) {
			assertThat(replies.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:r" + i);
		}
		assertThat(connection.getSubscriptions()).hasSize(1);
	}

	@Test
	void typedRequestConvertsJson() throws Exception {
		String topic = TestConnections.uniqueTopic("json");
		MqttConnection responderConnection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate responder = new MqttTemplate(responderConnection);
		responderConnection.subscribe(new MqttSubscription(topic, 1, (request) -> {
			request.acknowledge();
			CompletableFuture.runAsync(() -> responder.publish(MqttMessageBuilder.withPayload(new Order("o-1", 3))
				.topic(request.getProperties().getResponseTopic())
				.correlationData(request.getProperties().getCorrelationData())
				.build()));
		}, "json-responder")).get(10, TimeUnit.SECONDS);
		MqttTemplate template = new MqttTemplate(this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5));
		Order order = template.request(topic, new Order("o-1", 0), Order.class, Duration.ofSeconds(10))
			.get(15, TimeUnit.SECONDS);
		assertThat(order).isEqualTo(new Order("o-1", 3));
	}

	@Test
	void requestWithoutReplyTimesOut() {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		String topic = TestConnections.uniqueTopic("nobody");
		CompletableFuture<Message<byte[]>> reply = template.request(topic, "hello", Duration.ofMillis(500));
		assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MqttDeliveryException.class)
			.hasMessageStartingWith("No reply to the request on '" + topic + "' arrived within 500 ms (response topic '"
					+ connection.getClientId() + "/replies/")
			.hasMessageEndingWith("check that a responder subscribes to '" + topic
					+ "' and publishes its reply to the MQTT 5 response topic with the request's correlation data");
	}

	@Test
	void pendingRequestsFailWhenTheTemplateStops() throws Exception {
		MqttConnection connection = this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		template.start();
		String topic = TestConnections.uniqueTopic("stop");
		CompletableFuture<Message<byte[]>> reply = template.request(topic, "hello", Duration.ofSeconds(30));
		template.stop();
		assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MqttDeliveryException.class)
			.hasMessage("The MqttTemplate stopped (the application is shutting down) before a reply to the request on '"
					+ topic + "' arrived");
		assertThat(template.request(topic, "again", Duration.ofSeconds(1))).isCompletedExceptionally();
		assertThat(connection.getSubscriptions()).isEmpty();
	}

	@Test
	void requestOnMqtt311FailsWithAClearMessage() {
		MqttTemplate template = new MqttTemplate(this.connections.start(TestConnections.MOSQUITTO, MqttVersion.V3_1_1));
		CompletableFuture<Message<byte[]>> reply = template.request("a/b", "hello", Duration.ofSeconds(1));
		assertThatThrownBy(reply::join).cause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Request-reply needs MQTT 5 (response topic and correlation data), but connection '")
			.hasMessageContaining("speaks MQTT 3.1.1; set mqtt.version=5");
	}

	@Test
	void replyTopicCanBeSetForBrokersWithAnAcl() throws Exception {
		// the ACL lets clients read and write requests/# only, so the default '<client-id>/replies' gets no replies
		try (MosquittoBroker broker = MosquittoBroker.builder().acl("topic readwrite requests/#\n").start()) {
			startResponder(broker.url(), "requests/echo");
			MqttConnection connection = this.connections.start(broker.url(), MqttVersion.V5);
			MqttTemplate template = new MqttTemplate(connection);
			template.setReplyTopic("requests/replies/" + connection.getClientId());
			assertThat(template.request("requests/echo", "hi", String.class, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS))
				.isEqualTo("echo:hi");
			assertThat(connection.getSubscriptions()).singleElement()
				.satisfies((state) -> assertThat(state.filter()).isEqualTo("requests/replies/" + connection.getClientId() + "/+"));
			assertThatThrownBy(() -> template.setReplyTopic("other")).isInstanceOf(IllegalStateException.class)
				.hasMessage("The reply topic cannot be changed after the first request");
		}
	}

	private void startResponder(String topic) throws Exception {
		startResponder(TestConnections.MOSQUITTO, topic);
	}

	private void startResponder(String url, String topic) throws Exception {
		MqttConnection connection = this.connections.start(url, MqttVersion.V5);
		MqttTemplate responder = new MqttTemplate(connection);
		connection.subscribe(new MqttSubscription(topic, 1, (request) -> {
			request.acknowledge();
			String text = new String(request.getPayload(), StandardCharsets.UTF_8);
			CompletableFuture.runAsync(() -> responder.publish(MqttMessageBuilder.withPayload("echo:" + text)
				.topic(request.getProperties().getResponseTopic())
				.correlationData(request.getProperties().getCorrelationData())
				.build()));
		}, "echo-responder")).get(10, TimeUnit.SECONDS);
	}

	record Order(String id, int quantity) {
	}

}
