package dev.mqttspring.listener;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners survive broker restarts: subscribed again after a reconnect without a
 * session, and not subscribed twice when the broker kept the session.
 */
class MqttListenerResubscribeTests {

	private static final Pattern SUBSCRIBE = Pattern.compile("Received SUBSCRIBE from (\\S+)");

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void listenersAreSubscribedAgainAfterRestartWithoutSession(String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			ListenerTestSupport.runner(broker.url(), version, "restart")
				.withPropertyValues("mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=500ms")
				.withUserConfiguration(RestartListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Recorder recorder = context.getBean(Recorder.class);
					MqttConnection connection = context.getBean(MqttConnection.class);
					publishAndAwait(broker, version, recorder, "before");
					broker.restart();
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> connection.getState() == MqttConnectionState.CONNECTED && connection.getReconnectCount() == 1);
					assertThat(connection.isSessionPresent()).isFalse();
					publishAndAwait(broker, version, recorder, "after");
					assertThat(recorder.get("restart")).containsExactly("before", "after");
					assertThat(context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("restart")
						.hasRefusedSubscriptions()).isFalse();
				});
		}
	}

	/**
	 * Without a session the broker forgets the filters: a message the application publishes as
	 * soon as it sees the connection again (here from the connected callback, the earliest
	 * moment) must still reach its own listeners, so the SUBSCRIBE goes out first.
	 */
	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "hivemq, 5", "hivemq, 3.1.1", "paho, 5", "paho, 3.1.1" })
	void publishAsSoonAsReconnectedReachesOwnListeners(String library, String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			ListenerTestSupport.runner(broker.url(), version, "restart")
				.withPropertyValues("mqtt.client-library=" + library, "mqtt.reconnect-delay=100ms",
						"mqtt.max-reconnect-delay=500ms")
				.withUserConfiguration(RestartListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Recorder recorder = context.getBean(Recorder.class);
					MqttConnection connection = context.getBean(MqttConnection.class);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					connection.addConnectionListener(new MqttConnectionListener() {

						@Override
						public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
							if (reconnect) {
								template.publish("restart/topic", "at-reconnect");
							}
						}

					});
					publishAndAwait(broker, version, recorder, "before");
					broker.restart();
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("restart").contains("at-reconnect"));
					assertThat(recorder.get("restart")).containsExactly("before", "at-reconnect");
				});
		}
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void persistentSessionIsNotSubscribedTwice(String version) {
		String clientId = "resume-" + UUID.randomUUID().toString().substring(0, 8);
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).logDebug().start()) {
			ListenerTestSupport.runner(broker.url(), version, "restart")
				.withPropertyValues("mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=500ms", "mqtt.client-id=" + clientId,
						"mqtt.clean-start=false", "mqtt.session-expiry=5m")
				.withUserConfiguration(RestartListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Recorder recorder = context.getBean(Recorder.class);
					MqttConnection connection = context.getBean(MqttConnection.class);
					publishAndAwait(broker, version, recorder, "before");
					assertThat(subscribes(broker, clientId)).isEqualTo(1);
					broker.restart();
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> connection.getState() == MqttConnectionState.CONNECTED && connection.getReconnectCount() == 1);
					assertThat(connection.isSessionPresent()).isTrue();
					publishAndAwait(broker, version, recorder, "after");
					await().during(Duration.ofMillis(300)).atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> assertThat(recorder.get("restart")).containsExactly("before", "after"));
					assertThat(subscribes(broker, clientId)).isEqualTo(1);
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

	private static long subscribes(MosquittoBroker broker, String clientId) {
		Matcher matcher = SUBSCRIBE.matcher(broker.log());
		long count = 0;
		while (matcher.find()) {
			if (matcher.group(1).equals(clientId)) {
				count++;
			}
		}
		return count;
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
