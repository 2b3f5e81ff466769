package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @MqttSubscribe} listeners end to end on mosquitto and the embedded broker, MQTT 5
 * and 3.1.1: wildcards, topic variables, JSON, headers, overlapping filters, replies.
 */
class MqttListenerIntegrationTests {

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void wildcardsTopicVariablesJsonAndHeaders(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(BasicListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					MqttMessageProperties properties = MqttMessageProperties.builder()
						.contentType("application/json")
						.userProperty("trace", "t-1")
						.build();
					ListenerTestSupport.publish(client, prefix + "/plus/a/t", "one");
					ListenerTestSupport.publish(client, prefix + "/plus/a/b/t", "not matched by +");
					ListenerTestSupport.publish(client, prefix + "/hash/x/y/z", "deep");
					ListenerTestSupport.publish(client, prefix + "/hash", "parent level");
					ListenerTestSupport.publish(client, prefix + "/sensors/42/temperature", "{\"unit\":\"C\",\"value\":21.5}", 1,
							properties);
					ListenerTestSupport.publish(client, prefix + "/message/m", "as message", 2, properties);
					await().atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> {
							assertThat(recorder.get("plus")).containsExactly(prefix + "/plus/a/t=one");
							assertThat(recorder.get("hash")).containsExactlyInAnyOrder(prefix + "/hash/x/y/z=deep qos=1",
									prefix + "/hash=parent level qos=1");
							assertThat(recorder.get("temperature")).containsExactly("42:Reading[unit=C, value=21.5]");
							assertThat(recorder.get("message")).hasSize(1);
						});
					@SuppressWarnings("unchecked")
					Message<byte[]> message = (Message<byte[]>) recorder.get("message").get(0);
					assertThat(new String(message.getPayload(), StandardCharsets.UTF_8)).isEqualTo("as message");
					assertThat(message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo(prefix + "/message/m");
					assertThat(message.getHeaders().get(MqttHeaders.RECEIVED_QOS)).isEqualTo(2);
					assertThat(message.getHeaders().get(MqttHeaders.RECEIVED_RETAINED)).isEqualTo(false);
					assertThat(message.getHeaders().get(MqttHeaders.DUPLICATE)).isEqualTo(false);
					assertThat(message.getHeaders().get(MqttHeaders.LISTENER_ID)).isEqualTo("message-listener");
					if ("5".equals(version)) {
						assertThat(message.getHeaders().get(MqttHeaders.CONTENT_TYPE)).isEqualTo("application/json");
						assertThat(message.getHeaders().get(MqttHeaders.USER_PROPERTIES))
							.isEqualTo(List.of(new MqttUserProperty("trace", "t-1")));
						assertThat(message.getHeaders().get("trace")).isEqualTo("t-1");
					}
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void overlappingFiltersDeliverEachMessageOncePerListener(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(OverlappingListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					for (int i = 0; i < 5; i++) {
						ListenerTestSupport.publish(client, prefix + "/o/a/t", "m" + i);
					}
					ListenerTestSupport.publish(client, prefix + "/o/a/t", "end");
					List<String> expected = List.of("m0", "m1", "m2", "m3", "m4", "end");
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> List.of("plus", "hash", "exact", "both").stream()
							.allMatch((key) -> recorder.get(key).contains("end")));
					await().during(java.time.Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> {
							for (String key : List.of("plus", "hash", "exact", "both")) {
								assertThat(recorder.get(key)).as(key).containsExactlyElementsOf(expected);
							}
						});
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void repliesGoToSendToOrResponseTopic(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(ReplyingListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				List<MqttInboundMessage> replies = new CopyOnWriteArrayList<>();
				try {
					client.subscribe(new MqttSubscription(prefix + "/replies/#", 1, (message) -> {
						replies.add(message);
						message.acknowledge();
					}, "test")).get(10, TimeUnit.SECONDS);
					ListenerTestSupport.publish(client, prefix + "/requests/upper", "hello");
					await().atMost(ListenerTestSupport.timeout()).until(() -> replies.size() == 1);
					assertThat(replies.get(0).getTopic()).isEqualTo(prefix + "/replies/default");
					assertThat(new String(replies.get(0).getPayload(), StandardCharsets.UTF_8)).isEqualTo("HELLO");
					if ("5".equals(version)) {
						MqttMessageProperties request = MqttMessageProperties.builder()
							.responseTopic(prefix + "/replies/client-7")
							.correlationData(new byte[] { 7, 7 })
							.build();
						ListenerTestSupport.publish(client, prefix + "/requests/upper", "again", 1, request);
						await().atMost(ListenerTestSupport.timeout()).until(() -> replies.size() == 2);
						MqttInboundMessage reply = replies.get(1);
						assertThat(reply.getTopic()).isEqualTo(prefix + "/replies/client-7");
						assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("AGAIN");
						assertThat(reply.getProperties().getCorrelationData()).containsExactly(7, 7);
						assertThat(reply.getProperties().getContentType()).startsWith("text/plain");
					}
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	record Reading(String unit, double value) {
	}

	@Configuration(proxyBeanMethods = false)
	static class BasicListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listeners listeners(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe("${test.prefix}/plus/+/t")
			void plus(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
				this.recorder.add("plus", topic + "=" + payload);
			}

			@MqttSubscribe(topics = "${test.prefix}/hash/#", qos = 2)
			void hash(byte[] payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic,
					@Header(MqttHeaders.RECEIVED_QOS) int qos) {
				this.recorder.add("hash", topic + "=" + new String(payload, StandardCharsets.UTF_8) + " qos=" + qos);
			}

			@MqttSubscribe("${test.prefix}/sensors/{id}/temperature")
			void temperature(@TopicVariable("id") int id, @Payload Reading reading) {
				this.recorder.add("temperature", id + ":" + reading);
			}

			@MqttSubscribe(topics = "${test.prefix}/message/+", qos = 2, id = "message-listener")
			void message(Message<byte[]> message) {
				this.recorder.add("message", message);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OverlappingListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listeners listeners(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe("${test.prefix}/o/+/t")
			void plus(String payload) {
				this.recorder.add("plus", payload);
			}

			@MqttSubscribe("${test.prefix}/o/#")
			void hash(String payload) {
				this.recorder.add("hash", payload);
			}

			@MqttSubscribe("${test.prefix}/o/a/t")
			void exact(String payload) {
				this.recorder.add("exact", payload);
			}

			@MqttSubscribe({ "${test.prefix}/o/a/+", "${test.prefix}/o/#" })
			void both(String payload) {
				this.recorder.add("both", payload);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplyingListeners {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		static class Listeners {

			@MqttSubscribe("${test.prefix}/requests/upper")
			@SendTo("${test.prefix}/replies/default")
			String upper(String payload) {
				return payload.toUpperCase();
			}

		}

	}

}
