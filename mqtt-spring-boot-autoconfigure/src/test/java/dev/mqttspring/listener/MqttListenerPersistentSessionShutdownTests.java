package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.paho.PahoConnections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop keeps a persistent session's subscriptions: what is published while the
 * application is down is delivered when it starts again with the same client id, and a
 * message that arrives while the application shuts down is not acknowledged without
 * being processed. Stopping one listener at runtime unsubscribes it.
 */
class MqttListenerPersistentSessionShutdownTests {

	static Stream<Arguments> cases() {
		return Stream.of("paho", "hivemq")
			.flatMap((library) -> Stream.of(Arguments.of(library, "5"), Arguments.of(library, "3.1.1")));
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("cases")
	void messagePublishedWhileStoppedIsReceivedAfterRestart(String library, String version) {
		String prefix = ListenerTestSupport.prefix();
		String clientId = "graceful-" + UUID.randomUUID().toString().substring(0, 8);
		Recorder recorder = new Recorder();
		ApplicationContextRunner runner = runner(library, version, prefix, clientId, recorder);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			awaitGranted(context.getBean(MqttListenerEndpointRegistry.class));
		});
		MqttConnection publisher = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
		try {
			ListenerTestSupport.publish(publisher, prefix + "/orders", "while-down", 1, MqttMessageProperties.NONE);
		}
		finally {
			ListenerTestSupport.close(publisher);
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("while-down"));
		});
		// the session is left clean for the broker
		runner.withPropertyValues("mqtt.clean-start=true", "mqtt.session-expiry=0").run((context) -> {
		});
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("cases")
	void listenerStoppedAtRuntimeUnsubscribes(String library, String version) {
		String prefix = ListenerTestSupport.prefix();
		String clientId = "runtime-stop-" + UUID.randomUUID().toString().substring(0, 8);
		Recorder recorder = new Recorder();
		ApplicationContextRunner runner = runner(library, version, prefix, clientId, recorder);
		runner.run((context) -> {
			MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
			awaitGranted(registry);
			registry.getListenerContainer("orders").stop();
			assertThat(context.getBean(MqttConnection.class).getSubscriptions()).isEmpty();
		});
		MqttConnection publisher = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
		try {
			ListenerTestSupport.publish(publisher, prefix + "/orders", "after-unsubscribe", 1, MqttMessageProperties.NONE);
		}
		finally {
			ListenerTestSupport.close(publisher);
		}
		runner.withPropertyValues("mqtt.listener.auto-startup=false").run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(ListenerTestSupport.timeout()).until(connection::isConnected);
			assertThat(connection.isSessionPresent()).isTrue();
			context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("orders").start();
			await().during(Duration.ofMillis(500))
				.atMost(ListenerTestSupport.timeout())
				.untilAsserted(() -> assertThat(recorder.get("done")).doesNotContain("after-unsubscribe"));
		});
		runner.withPropertyValues("mqtt.clean-start=true", "mqtt.session-expiry=0").run((context) -> {
		});
	}

	/**
	 * A QoS 1 message that arrives after the listener stopped and before the connection
	 * closed is held unacknowledged and delivered on the next connection with the session.
	 */
	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("cases")
	void messageArrivingBetweenListenerStopAndDisconnectIsNotAcknowledged(String library, String version)
			throws Exception {
		String topic = ListenerTestSupport.prefix() + "/orders";
		String clientId = "detached-" + UUID.randomUUID().toString().substring(0, 8);
		Function<MqttConnectionSettings, MqttConnection> factory = "hivemq".equals(library) ? HiveMqConnections::create
				: PahoConnections::create;
		List<String> received = new CopyOnWriteArrayList<>();
		MqttConnection first = factory.apply(settings(clientId, version));
		((SmartLifecycle) first).start();
		MqttSubscription subscription = new MqttSubscription(topic, 1, (message) -> {
			received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "orders");
		assertThat(first.subscribe(subscription).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
		assertThat(first.isSessionPersistent()).isTrue();
		first.detach(subscription).get(10, TimeUnit.SECONDS);
		MqttConnection publisher = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
		List<String> observed = new CopyOnWriteArrayList<>();
		try {
			publisher.subscribe(new MqttSubscription(topic, 1, (message) -> {
				observed.add(new String(message.getPayload(), StandardCharsets.UTF_8));
				message.acknowledge();
			}, "observer")).get(10, TimeUnit.SECONDS);
			ListenerTestSupport.publish(publisher, topic, "during-shutdown", 1, MqttMessageProperties.NONE);
			// the broker sends it to both clients at once; the first one holds it unacknowledged
			await().atMost(ListenerTestSupport.timeout()).until(() -> observed.contains("during-shutdown"));
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(received::isEmpty);
			assertThat(first.getSubscriptions()).isEmpty();
		}
		finally {
			ListenerTestSupport.close(publisher);
			((SmartLifecycle) first).stop();
		}
		MqttConnectionSettings resumed = settings(clientId, version);
		MqttConnection second = factory.apply(resumed);
		((SmartLifecycle) second).start();
		try {
			second.subscribe(new MqttSubscription(topic, 1, (message) -> {
				received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
				message.acknowledge();
			}, "orders"));
			await().atMost(ListenerTestSupport.timeout()).until(() -> received.contains("during-shutdown"));
		}
		finally {
			((SmartLifecycle) second).stop();
		}
		MqttConnectionSettings clean = settings(clientId, version);
		clean.setCleanStart(true);
		clean.setSessionExpiry(Duration.ZERO);
		MqttConnection cleanup = factory.apply(clean);
		((SmartLifecycle) cleanup).start();
		((SmartLifecycle) cleanup).stop();
	}

	private static MqttConnectionSettings settings(String clientId, String version) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of(ListenerTestSupport.MOSQUITTO_URL));
		settings.setClientId(clientId);
		settings.setVersion("5".equals(version) ? MqttVersion.V5 : MqttVersion.V3_1_1);
		settings.setCleanStart(false);
		settings.setSessionExpiry(Duration.ofMinutes(5));
		settings.setFailFast(true);
		return settings;
	}

	private static void awaitGranted(MqttListenerEndpointRegistry registry) {
		await().atMost(ListenerTestSupport.timeout())
			.until(() -> registry.getListenerContainer("orders").getSubscriptionResults().size() == 1);
	}

	private static ApplicationContextRunner runner(String library, String version, String prefix, String clientId,
			Recorder recorder) {
		return ListenerTestSupport.runner(ListenerTestSupport.MOSQUITTO_URL, version, prefix)
			.withUserConfiguration(OrderListener.class)
			.withBean(Recorder.class, () -> recorder)
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
					"mqtt.session-expiry=5m", "mqtt.fail-fast=true");
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		@Bean
		Listener listener(Recorder recorder) {
			return new Listener(recorder);
		}

		static class Listener {

			private final Recorder recorder;

			Listener(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(id = "orders", topics = "${test.prefix}/orders", qos = 1)
			void order(String payload) {
				this.recorder.add("done", payload);
			}

		}

	}

}
