package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.Message;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link ReplyingMqttTemplate} against the embedded broker, with a responder on
 * a second connection that answers to the response topic with the correlation data.
 */
class ReplyingMqttTemplateTests {

	private static EmbeddedMqttBroker broker;

	private final TestConnections connections = new TestConnections();

	@BeforeAll
	static void startBroker() {
		broker = EmbeddedMqttBroker.builder().port(0).build();
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
	void requestCompletesWithTheReply() throws Exception {
		String topic = TestConnections.uniqueTopic("echo");
		startResponder(topic);
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		ReplyingMqttTemplate replying = new ReplyingMqttTemplate(new MqttTemplate(connection));
		Message<byte[]> reply = replying.request(topic, "hello", Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
		assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("echo:hello");
		assertThat((String) reply.getHeaders().get(MqttHeaders.RECEIVED_TOPIC))
			.startsWith(connection.getClientId() + "/replies/");
		assertThat(reply.getHeaders().get(MqttHeaders.CORRELATION_DATA)).isInstanceOf(byte[].class);
		assertThat(replying.request(topic, "typed", String.class, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS))
			.isEqualTo("echo:typed");
		assertThat(replying.request(MqttMessageBuilder.withPayload("message").topic(topic).build(), Duration.ofSeconds(10))
			.get(15, TimeUnit.SECONDS)
			.getPayload()).asString(StandardCharsets.UTF_8).isEqualTo("echo:message");
		assertThat(connection.getSubscriptions()).singleElement()
			.satisfies((state) -> assertThat(state.filter()).isEqualTo(connection.getClientId() + "/replies/+"));
	}

	@Test
	void theTemplatesDeprecatedRequestUsesTheReplyingTemplateOfTheTemplate() throws Exception {
		String topic = TestConnections.uniqueTopic("echo");
		startResponder(topic);
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		MqttTemplate template = new MqttTemplate(connection);
		ReplyingMqttTemplate replying = new ReplyingMqttTemplate(template);
		replying.setReplyTopic("app/replies");
		assertThat(replying.request(topic, "a", String.class, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS))
			.isEqualTo("echo:a");
		@SuppressWarnings("deprecation")
		CompletableFuture<String> viaTemplate = template.request(topic, "b", String.class, Duration.ofSeconds(10));
		assertThat(viaTemplate.get(15, TimeUnit.SECONDS)).isEqualTo("echo:b");
		assertThat(connection.getSubscriptions()).singleElement()
			.satisfies((state) -> assertThat(state.filter()).isEqualTo("app/replies/+"));
	}

	@Test
	void timeoutRunsOnTheInjectedScheduler() throws Exception {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("app-scheduler-");
		List<String> tasksRanOn = new CopyOnWriteArrayList<>();
		scheduler.setTaskDecorator((task) -> () -> {
			tasksRanOn.add(Thread.currentThread().getName());
			task.run();
		});
		scheduler.initialize();
		try {
			MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
			ReplyingMqttTemplate replying = new ReplyingMqttTemplate(new MqttTemplate(connection), scheduler);
			String topic = TestConnections.uniqueTopic("nobody");
			CompletableFuture<Message<byte[]>> reply = replying.request(topic, "hello", Duration.ofMillis(300));
			assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOf(MqttDeliveryException.class)
				.hasMessageStartingWith("No reply to the request on '" + topic + "' arrived within 300 ms");
			// The timeout task ran on the injected scheduler (a callback registered after
			// request() returned may run on the caller's thread if the timeout already fired).
			assertThat(tasksRanOn).isNotEmpty().allSatisfy((thread) -> assertThat(thread).startsWith("app-scheduler-"));
			replying.close();
			assertThat(scheduler.getScheduledExecutor().isShutdown()).isFalse();
		}
		finally {
			scheduler.shutdown();
		}
	}

	@Test
	void stopFailsPendingRequestsAndRemovesTheReplySubscription() {
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
		ReplyingMqttTemplate replying = new ReplyingMqttTemplate(new MqttTemplate(connection));
		replying.start();
		String topic = TestConnections.uniqueTopic("stop");
		CompletableFuture<Message<byte[]>> reply = replying.request(topic, "hello", Duration.ofSeconds(30));
		replying.stop();
		assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).cause()
			.isInstanceOf(MqttDeliveryException.class)
			.hasMessageContaining("stopped (the application is shutting down) before a reply to the request on '" + topic);
		assertThat(replying.request(topic, "again", Duration.ofSeconds(1))).isCompletedExceptionally();
		assertThat(connection.getSubscriptions()).isEmpty();
		replying.start();
		assertThat(replying.isRunning()).isTrue();
	}

	@Test
	void defaultReplyTopicReplacesWildcardsOfTheClientId() {
		assertThat(ReplyingMqttTemplate.defaultReplyTopic("a+b#")).isEqualTo("a_b_/replies");
		assertThat(ReplyingMqttTemplate.defaultReplyTopic("$sys")).isEqualTo("_sys/replies");
		assertThat(ReplyingMqttTemplate.defaultReplyTopic("")).isEqualTo("mqtt/replies");
	}

	private void startResponder(String topic) throws Exception {
		MqttConnection connection = this.connections.start(broker.getUrl(), MqttVersion.V5);
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

}
