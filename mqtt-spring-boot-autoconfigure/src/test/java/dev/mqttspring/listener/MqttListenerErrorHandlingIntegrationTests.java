package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failing listeners: retry with back-off, named error handler, dead-letter topic, the
 * default logging handler and conversion failures; the connection and other listeners
 * are not affected.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttListenerErrorHandlingIntegrationTests {

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void failuresAreRetriedHandledAndDeadLettered(String broker, String version, CapturedOutput output) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withPropertyValues("mqtt.listener.retry.max-attempts=3", "mqtt.listener.retry.initial-interval=10ms",
					"mqtt.listener.dead-letter-topic=" + prefix + "/dlt/global")
			.withUserConfiguration(FailingListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					ListenerTestSupport.publish(client, prefix + "/flaky", "third time lucky");
					ListenerTestSupport.publish(client, prefix + "/handled", "boom");
					ListenerTestSupport.publish(client, prefix + "/dead", "poison");
					ListenerTestSupport.publish(client, prefix + "/json", "not json");
					ListenerTestSupport.publish(client, prefix + "/ok", "still fine");
					await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
						assertThat(recorder.get("flaky")).containsExactly("third time lucky");
						assertThat(recorder.get("handled")).hasSize(1);
						assertThat(recorder.get("dlt-local")).hasSize(1);
						assertThat(recorder.get("dlt-global")).hasSize(1);
						assertThat(recorder.get("ok")).containsExactly("still fine");
					});
					assertThat(recorder.get("flaky-attempts")).hasSize(3);
					assertThat(recorder.get("observed-flaky")).containsExactly("IllegalStateException", "IllegalStateException",
							"ok");
					assertThat(registry.getListenerContainer("flaky").getProcessedCount()).isEqualTo(1);
					assertThat(registry.getListenerContainer("flaky").getFailedCount()).isZero();
					assertThat((String) recorder.get("handled").get(0)).contains("boom on " + prefix + "/handled")
						.contains("after 3 attempts");
					MqttListenerContainer handled = registry.getListenerContainer("handled");
					assertThat(handled.getFailedCount()).isEqualTo(1);
					assertThat(handled.getDeadLetteredCount()).isZero();

					@SuppressWarnings("unchecked")
					Message<byte[]> local = (Message<byte[]>) recorder.get("dlt-local").get(0);
					assertThat(new String(local.getPayload(), StandardCharsets.UTF_8)).isEqualTo("poison");
					assertThat(local.getHeaders().get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo(prefix + "/dlt/local");
					assertThat(registry.getListenerContainer("dead").getDeadLetteredCount()).isEqualTo(1);
					@SuppressWarnings("unchecked")
					Message<byte[]> global = (Message<byte[]>) recorder.get("dlt-global").get(0);
					assertThat(new String(global.getPayload(), StandardCharsets.UTF_8)).isEqualTo("not json");
					if ("5".equals(version)) {
						assertThat(local.getHeaders().get(DefaultMqttListenerContainer.DLT_ORIGINAL_TOPIC))
							.isEqualTo(prefix + "/dead");
						assertThat(local.getHeaders().get(DefaultMqttListenerContainer.DLT_LISTENER_ID)).isEqualTo("dead");
						assertThat(local.getHeaders().get(DefaultMqttListenerContainer.DLT_EXCEPTION_CLASS))
							.isEqualTo(IllegalStateException.class.getName());
						assertThat(local.getHeaders().get(DefaultMqttListenerContainer.DLT_EXCEPTION_MESSAGE))
							.isEqualTo("cannot handle poison");
						assertThat((String) global.getHeaders().get(DefaultMqttListenerContainer.DLT_EXCEPTION_MESSAGE))
							.contains("Unrecognized token 'not'");
					}
					assertThat(output).contains("could not convert the payload from '" + prefix + "/json' to "
							+ MqttListenerIntegrationTests.Reading.class.getName());
					assertThat(context.getBean(MqttConnection.class).getState()).isEqualTo(MqttConnectionState.CONNECTED);
					assertThat(context.getBean(MqttConnection.class).getReconnectCount()).isZero();
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void defaultHandlerLogsFailureAndPayloadOnlyAtDebug(String broker, String version, CapturedOutput output) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(LoggedListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					ListenerTestSupport.publish(client, prefix + "/logged", "secret-payload-123");
					ListenerTestSupport.publish(client, prefix + "/logged", "next");
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("logged") == 2);
					MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
						.getListenerContainer("logged");
					await().atMost(ListenerTestSupport.timeout()).until(() -> container.getFailedCount() == 1);
					assertThat(container.getProcessedCount()).isEqualTo(1);
					assertThat(output).contains("Listener 'logged'").contains("failed on the message from '" + prefix + "/logged'")
						.doesNotContain("secret-payload-123");
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		dev.mqttspring.observation.MqttListenerObserver recordingObserver(Recorder recorder) {
			return (listenerId, message) -> (failure) -> recorder.add("observed-" + listenerId,
					(failure != null) ? failure.getClass().getSimpleName() : "ok");
		}

		@Bean
		MqttListenerErrorHandler recordingErrorHandler(Recorder recorder) {
			return (message, exception) -> recorder.add("handled", exception.getMessage());
		}

		@Bean
		Listeners listeners(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			private final AtomicInteger flakyAttempts = new AtomicInteger();

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(id = "flaky", topics = "${test.prefix}/flaky")
			void flaky(String payload) {
				this.recorder.add("flaky-attempts", payload);
				if (this.flakyAttempts.incrementAndGet() < 3) {
					throw new IllegalStateException("not yet");
				}
				this.recorder.add("flaky", payload);
			}

			@MqttSubscribe(id = "handled", topics = "${test.prefix}/handled", errorHandler = "recordingErrorHandler")
			void handled(String payload, @org.springframework.messaging.handler.annotation.Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
				throw new IllegalStateException(payload + " on " + topic);
			}

			@MqttSubscribe(id = "dead", topics = "${test.prefix}/dead", deadLetterTopic = "${test.prefix}/dlt/local")
			void dead(String payload) {
				throw new IllegalStateException("cannot handle " + payload);
			}

			@MqttSubscribe(id = "json", topics = "${test.prefix}/json")
			void json(MqttListenerIntegrationTests.Reading reading) {
				this.recorder.add("json", reading);
			}

			@MqttSubscribe(id = "ok", topics = "${test.prefix}/ok")
			void ok(String payload) {
				this.recorder.add("ok", payload);
			}

			@MqttSubscribe("${test.prefix}/dlt/local")
			void deadLetters(Message<byte[]> message) {
				this.recorder.add("dlt-local", message);
			}

			@MqttSubscribe("${test.prefix}/dlt/global")
			void globalDeadLetters(Message<byte[]> message) {
				this.recorder.add("dlt-global", message);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LoggedListeners {

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

			@MqttSubscribe(id = "logged", topics = "${test.prefix}/logged")
			void logged(String payload) {
				this.recorder.add("logged", payload);
				if (payload.startsWith("secret")) {
					throw new IllegalArgumentException("rejected");
				}
			}

		}

	}

}
