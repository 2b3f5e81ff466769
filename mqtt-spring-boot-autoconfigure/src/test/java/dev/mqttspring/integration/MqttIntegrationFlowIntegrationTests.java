package dev.mqttspring.integration;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.dsl.MessageChannels;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.PollableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.listener.ListenerTestSupport;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttListenerContainer;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Spring Integration flows with the MQTT inbound channel adapter and outbound handler on
 * the starter's managed connection, against mosquitto on 127.0.0.1:1883.
 */
class MqttIntegrationFlowIntegrationTests {

	private static ApplicationContextRunner runner(String prefix, String version) {
		return ListenerTestSupport.runner(ListenerTestSupport.MOSQUITTO_URL, version, prefix)
			.withPropertyValues("mqtt.client-id=si-it-" + UUID.randomUUID().toString().substring(0, 8));
	}

	@Test
	void inboundAdapterFeedsAFlowThatPublishesThroughTheTemplate() {
		String prefix = "si-it/" + UUID.randomUUID();
		runner(prefix, "5").withUserConfiguration(BridgeFlow.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, "5");
			List<String> received = new CopyOnWriteArrayList<>();
			try {
				client.subscribe(new MqttSubscription(prefix + "/out/#", 1,
						(message) -> {
							received.add(message.getTopic() + "=" + new String(message.getPayload(), StandardCharsets.UTF_8)
									+ " qos=" + message.getQos());
							message.acknowledge();
						}, "test")).get(10, TimeUnit.SECONDS);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("readings");
				assertThat(container).isNotNull();
				await().atMost(ListenerTestSupport.timeout()).until(() -> container.getSubscriptionResults().size() == 1);
				assertThat(container.getTopicFilters()).containsExactly(prefix + "/in/+");
				assertThat(((DefaultMqttListenerContainer) container).getAckMode()).isEqualTo(MqttAckMode.PROCESSED);
				ListenerTestSupport.publish(client, prefix + "/in/7", "{\"celsius\":31.5}");
				await().atMost(ListenerTestSupport.timeout())
					.untilAsserted(() -> assertThat(received).containsExactly(prefix + "/out/7=ALERT 31.5 qos=1"));
				PollableChannel published = context.getBean("published", PollableChannel.class);
				Message<?> success = published.receive(10_000);
				assertThat(success).isNotNull();
				assertThat(success.getPayload()).isEqualTo("ALERT 31.5");
				assertThat(success.getHeaders().get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo(prefix + "/in/7");
				await().atMost(ListenerTestSupport.timeout()).until(() -> container.getProcessedCount() == 1);
			}
			finally {
				ListenerTestSupport.close(client);
			}
		});
	}

	@Test
	void flowExceptionGoesToTheErrorChannelAndTheMessageIsAcknowledged() {
		String prefix = "si-it/" + UUID.randomUUID();
		runner(prefix, "5").withUserConfiguration(FailingFlowWithErrorChannel.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("failing");
			await().atMost(ListenerTestSupport.timeout()).until(() -> container.getSubscriptionResults().size() == 1);
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, "5");
			try {
				ListenerTestSupport.publish(client, prefix + "/fail", "boom");
			}
			finally {
				ListenerTestSupport.close(client);
			}
			PollableChannel errors = context.getBean("errors", PollableChannel.class);
			Message<?> error = errors.receive(10_000);
			assertThat(error).isInstanceOf(ErrorMessage.class);
			Throwable cause = ((ErrorMessage) error).getPayload();
			assertThat(cause).hasRootCauseMessage("flow failed on boom");
			await().atMost(ListenerTestSupport.timeout()).until(() -> container.getProcessedCount() == 1);
			assertThat(container.getFailedCount()).isZero();
		});
	}

	@Test
	void flowExceptionWithoutErrorChannelGoesToTheDeadLetterTopic() {
		String prefix = "si-it/" + UUID.randomUUID();
		runner(prefix, "3.1.1").withUserConfiguration(FailingFlow.class)
			.withPropertyValues("mqtt.listener.dead-letter-topic=" + prefix + "/dlt")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("failing");
				await().atMost(ListenerTestSupport.timeout()).until(() -> container.getSubscriptionResults().size() == 1);
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, "3.1.1");
				List<String> deadLetters = new CopyOnWriteArrayList<>();
				try {
					client.subscribe(new MqttSubscription(prefix + "/dlt", 1, (message) -> {
						deadLetters.add(new String(message.getPayload(), StandardCharsets.UTF_8));
						message.acknowledge();
					}, "test")).get(10, TimeUnit.SECONDS);
					ListenerTestSupport.publish(client, prefix + "/fail", "boom");
					await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> assertThat(deadLetters).containsExactly("boom"));
					assertThat(container.getFailedCount()).isEqualTo(1);
					assertThat(container.getDeadLetteredCount()).isEqualTo(1);
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@Test
	void sharedGroupSubscribesAsSharedSubscription() {
		String prefix = "si-it/" + UUID.randomUUID();
		runner(prefix, "5").withUserConfiguration(SharedFlow.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("shared");
			assertThat(container.getTopicFilters()).containsExactly("$share/si-group/" + prefix + "/shared");
			assertThat(container.getGroup()).isEqualTo("si-group");
			await().atMost(ListenerTestSupport.timeout()).until(() -> container.getSubscriptionResults().size() == 1);
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, "5");
			try {
				ListenerTestSupport.publish(client, prefix + "/shared", "to the group");
			}
			finally {
				ListenerTestSupport.close(client);
			}
			PollableChannel out = context.getBean("sharedOut", PollableChannel.class);
			Message<?> message = out.receive(10_000);
			assertThat(message).isNotNull();
			assertThat(message.getPayload()).isEqualTo("to the group");
			assertThat(message.getHeaders().get(MqttHeaders.LISTENER_ID)).isEqualTo("shared");
		});
	}

	@Test
	void outboundFailuresGoToTheFailureChannelOrAreThrownWhenSync() {
		String prefix = "si-it/" + UUID.randomUUID();
		runner(prefix, "5").withUserConfiguration(OutboundFlows.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MessageChannel async = context.getBean("asyncPublish.input", MessageChannel.class);
			async.send(MessageBuilder.withPayload("x").setHeader(MqttHeaders.TOPIC, prefix + "/+/bad").build());
			Message<?> failure = context.getBean("failures", PollableChannel.class).receive(10_000);
			assertThat(failure).isInstanceOf(ErrorMessage.class);
			assertThat(((ErrorMessage) failure).getPayload()).isInstanceOf(MessageHandlingException.class)
				.hasMessageContaining(prefix + "/+/bad")
				.hasMessageContaining("wildcard");
			PollableChannel futures = context.getBean("futures", PollableChannel.class);
			Message<?> future = futures.receive(10_000);
			assertThat(future.getPayload()).isInstanceOf(CompletableFuture.class);
			assertThat((CompletableFuture<?>) future.getPayload()).isCompletedExceptionally();

			MessageChannel sync = context.getBean("syncPublish.input", MessageChannel.class);
			assertThatExceptionOfType(MessageHandlingException.class)
				.isThrownBy(() -> sync.send(MessageBuilder.withPayload("x").setHeader("qos", 3).build()))
				.withMessageContaining("QoS");
			sync.send(MessageBuilder.withPayload("fine").setHeader("qos", 2).build());
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class BridgeFlow {

		@Bean
		QueueChannel published() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow readings(@Value("${test.prefix}") String prefix) {
			return IntegrationFlow
				.from(MqttIntegration.inboundAdapter(prefix + "/in/{sensor}").listenerId("readings").qos(1)
					.ackMode(MqttAckMode.PROCESSED)
					.payloadType(Reading.class))
				.<Reading>handle((reading, headers) -> MessageBuilder.withPayload("ALERT " + reading.celsius())
					.setHeader("sensor", ((Map<?, ?>) headers.get("mqtt_topicVariables")).get("sensor"))
					.build())
				.handle(MqttIntegration.outboundHandler().topicExpression("'" + prefix + "/out/' + headers.sensor").qos(1)
					.sendSuccessChannel("published"))
				.get();
		}

	}

	record Reading(double celsius) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class FailingFlowWithErrorChannel {

		@Bean
		QueueChannel errors() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow failing(@Value("${test.prefix}") String prefix) {
			return IntegrationFlow
				.from(MqttIntegration.inboundAdapter(prefix + "/fail").listenerId("failing").payloadType(String.class)
					.errorChannel("errors"))
				.handle((payload, headers) -> {
					throw new IllegalStateException("flow failed on " + payload);
				})
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class FailingFlow {

		@Bean
		IntegrationFlow failing(@Value("${test.prefix}") String prefix) {
			return IntegrationFlow.from(MqttIntegration.inboundAdapter(prefix + "/fail").listenerId("failing"))
				.handle((payload, headers) -> {
					throw new IllegalStateException("flow failed");
				})
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class SharedFlow {

		@Bean
		QueueChannel sharedOut() {
			return new QueueChannel();
		}

		@Bean
		IntegrationFlow shared(@Value("${test.prefix}") String prefix) {
			return IntegrationFlow
				.from(MqttIntegration.inboundAdapter(prefix + "/shared").listenerId("shared").group("si-group")
					.payloadType(String.class))
				.channel("sharedOut")
				.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class OutboundFlows {

		@Bean
		QueueChannel failures() {
			return new QueueChannel();
		}

		@Bean
		QueueChannel futures() {
			return MessageChannels.queue().getObject();
		}

		@Bean
		IntegrationFlow asyncPublish() {
			return (flow) -> flow.handle(MqttIntegration.outboundHandler().sendFailureChannel("failures").futuresChannel("futures"));
		}

		@Bean
		IntegrationFlow syncPublish(@Value("${test.prefix}") String prefix) {
			return (flow) -> flow.handle(MqttIntegration.outboundHandler().topic(prefix + "/sync").qosExpression("headers.qos")
				.sync(true));
		}

	}

}
