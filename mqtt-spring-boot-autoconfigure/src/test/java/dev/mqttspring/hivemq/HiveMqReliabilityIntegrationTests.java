package dev.mqttspring.hivemq;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.ListenerTestSupport;
import dev.mqttspring.listener.Recorder;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HiveMQ backend against mosquitto: listeners subscribe again after a broker restart,
 * a persistent session delivers what was published during a network cut, and the will is
 * published on an abnormal loss only. ACL refusals and redelivery after a crash run on
 * both client libraries in {@code dev.mqttspring.reliability.SecurityReliabilityTests}
 * and {@code MqttListenerRedeliveryTests}.
 */
class HiveMqReliabilityIntegrationTests {

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void reconnectsAndSubscribesAgainAfterABrokerRestart(String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			ListenerTestSupport.runner(broker.url(), version, "unused")
				.withPropertyValues("mqtt.client-library=hivemq", "mqtt.fail-fast=true", "mqtt.reconnect-delay=100ms",
						"mqtt.max-reconnect-delay=500ms")
				.withUserConfiguration(RestartListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					Recorder recorder = context.getBean(Recorder.class);
					publishAndAwait(broker, version, recorder, "before");
					broker.restart();
					await().atMost(Duration.ofSeconds(15)).until(() -> connection.isConnected() && connection.getReconnectCount() == 1);
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> context.getBean(MqttListenerEndpointRegistry.class)
							.getListenerContainer("restart")
							.getSubscriptionResults()
							.stream()
							.allMatch((result) -> result.isGranted()));
					publishAndAwait(broker, version, recorder, "after");
					context.getBean(MqttTemplate.class).publish("restart/self", "own", 1, false).get(10, TimeUnit.SECONDS);
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("restart").contains("own"));
					assertThat(recorder.get("restart")).containsExactly("before", "after", "own");
				});
		}
	}

	private static void publishAndAwait(MosquittoBroker broker, String version, Recorder recorder, String payload) {
		MqttConnection client = ListenerTestSupport.client(broker.url(), version);
		try {
			ListenerTestSupport.publish(client, "restart/topic", payload);
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("restart").contains(payload));
		}
		finally {
			ListenerTestSupport.close(client);
		}
	}

	/**
	 * A persistent session across a network cut: what was published while the application
	 * was disconnected arrives after the reconnect (session present, no new SUBSCRIBE), and
	 * the incoming message flow of the reused HiveMQ client keeps working.
	 */
	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void persistentSessionDeliversWhatWasPublishedWhileDisconnected(String version) throws Exception {
		String prefix = ListenerTestSupport.prefix();
		String clientId = "hivemq-session-" + UUID.randomUUID().toString().substring(0, 8);
		Recorder recorder = new Recorder();
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
			ConfigurableApplicationContext app = start(app(proxy.url(), version, prefix, clientId), recorder, null);
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
			try {
				MqttConnection connection = app.getBean(MqttConnection.class);
				ListenerTestSupport.publish(client, prefix + "/orders", "online");
				await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("online"));
				proxy.refuseNew(true);
				proxy.resetAll();
				await().atMost(ListenerTestSupport.timeout()).until(() -> !connection.isConnected());
				for (int qos = 1; qos <= 2; qos++) {
					ListenerTestSupport.publish(client, prefix + "/orders", "offline-qos" + qos, qos,
							dev.mqttspring.core.MqttMessageProperties.NONE);
				}
				proxy.refuseNew(false);
				await().atMost(ListenerTestSupport.timeout())
					.until(() -> recorder.get("done").containsAll(java.util.List.of("offline-qos1", "offline-qos2")));
				assertThat(connection.isSessionPresent()).isTrue();
				ListenerTestSupport.publish(client, prefix + "/orders", "after");
				await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("after"));
				assertThat(recorder.get("done")).containsExactly("online", "offline-qos1", "offline-qos2", "after");
			}
			finally {
				app.close();
				ListenerTestSupport.close(client);
			}
		}
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void willIsPublishedOnAbnormalLossOnly(String version) throws Exception {
		String base = "hivemq-will/" + UUID.randomUUID();
		java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		MqttConnection observer = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
			observer.subscribe(new dev.mqttspring.core.MqttSubscription(base + "/#", 1, (message) -> {
				received.add(message.getTopic() + "=" + new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
				message.acknowledge();
			}, "will-observer")).get(10, TimeUnit.SECONDS);
			ListenerTestSupport.runner(proxy.url(), version, "unused")
				.withPropertyValues("mqtt.client-library=hivemq", "mqtt.fail-fast=true", "mqtt.automatic-reconnect=false",
						"mqtt.will.topic=" + base + "/graceful", "mqtt.will.payload=offline")
				.run((context) -> assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue());
			ListenerTestSupport.runner(proxy.url(), version, "unused")
				.withPropertyValues("mqtt.client-library=hivemq", "mqtt.fail-fast=true", "mqtt.automatic-reconnect=false",
						"mqtt.will.topic=" + base + "/cut", "mqtt.will.payload=offline", "mqtt.keep-alive=5s")
				.run((context) -> {
					assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
					proxy.resetAll();
					await().atMost(ListenerTestSupport.timeout()).until(() -> received.contains(base + "/cut=offline"));
				});
			assertThat(received).containsExactly(base + "/cut=offline");
		}
		finally {
			ListenerTestSupport.close(observer);
		}
	}

	private SpringApplicationBuilder app(String url, String version, String prefix, String clientId) {
		return new SpringApplicationBuilder(JacksonAutoConfiguration.class, MqttAutoConfiguration.class, OrderListener.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.client-library=hivemq", "mqtt.url=" + url, "mqtt.version=" + version,
					"test.prefix=" + prefix, "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
					"mqtt.session-expiry=5m", "mqtt.listener.shutdown-timeout=500ms", "mqtt.reconnect-delay=100ms",
					"mqtt.fail-fast=true");
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder, Recorder recorder, CountDownLatch block) {
		return builder.initializers((context) -> {
			context.getBeanFactory().registerSingleton("recorder", recorder);
			context.getBeanFactory().registerSingleton("blocker", new Blocker(block));
		}).run();
	}

	record Blocker(CountDownLatch latch) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@Bean
		Listener listener(Recorder recorder, Blocker blocker) {
			return new Listener(recorder, blocker);
		}

		static class Listener {

			private final Recorder recorder;

			private final Blocker blocker;

			Listener(Recorder recorder, Blocker blocker) {
				this.recorder = recorder;
				this.blocker = blocker;
			}

			@MqttSubscribe(topics = "${test.prefix}/orders", qos = 2)
			void order(String payload) throws InterruptedException {
				this.recorder.add("started", payload);
				if (payload.equals("in-progress") && this.blocker.latch() != null) {
					this.blocker.latch().await();
				}
				this.recorder.add("done", payload);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RestartListeners {

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

			@MqttSubscribe(id = "restart", topics = "restart/+")
			void restart(String payload) {
				this.recorder.add("restart", payload);
			}

		}

	}

}
