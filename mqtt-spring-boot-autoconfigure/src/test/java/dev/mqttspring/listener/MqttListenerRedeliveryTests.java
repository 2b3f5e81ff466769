package dev.mqttspring.listener;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acknowledgement after success: an application that dies while its listener processes a
 * QoS 1 message gets the message again after a restart with the same persistent session,
 * while the message it had finished is not redelivered.
 * <p>
 * The "crash" cuts the network first (a TCP proxy between application and mosquitto
 * resets the connection and refuses new ones), so nothing the dying application does
 * afterwards can reach the broker; then the context is closed with the listener still
 * blocked.
 */
class MqttListenerRedeliveryTests {

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void messageInProgressWhenTheApplicationDiesIsRedelivered(String version) throws Exception {
		String prefix = ListenerTestSupport.prefix();
		String clientId = "redelivery-" + UUID.randomUUID().toString().substring(0, 8);
		Recorder recorder = new Recorder();
		CountDownLatch never = new CountDownLatch(1);
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
			ConfigurableApplicationContext first = start(runner(proxy.url(), version, prefix, clientId), recorder, never);
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
			try {
				ListenerTestSupport.publish(client, prefix + "/orders", "finished");
				ListenerTestSupport.publish(client, prefix + "/orders", "in-progress");
				await().atMost(ListenerTestSupport.timeout())
					.until(() -> recorder.get("started").contains("in-progress"));
				assertThat(recorder.get("done")).containsExactly("finished");
				proxy.refuseNew(true);
				proxy.resetAll();
				first.close();
				ConfigurableApplicationContext second = start(runner(ListenerTestSupport.MOSQUITTO_URL, version, prefix, clientId),
						recorder, null);
				try {
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("in-progress"));
					await().during(Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> assertThat(recorder.get("done")).containsExactly("finished", "in-progress"));
					if ("3.1.1".equals(version)) {
						// mosquitto 2.0 sets DUP on the resent MQTT 3.1.1 PUBLISH, not on MQTT 5
						assertThat(recorder.get("duplicate")).containsExactly(false, true);
					}
				}
				finally {
					second.close();
				}
			}
			finally {
				never.countDown();
				ListenerTestSupport.close(client);
			}
		}
	}

	private SpringApplicationBuilder runner(String url, String version, String prefix, String clientId) {
		return new SpringApplicationBuilder(JacksonAutoConfiguration.class, MqttAutoConfiguration.class, OrderListener.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.url=" + url, "mqtt.version=" + version, "test.prefix=" + prefix, "mqtt.client-id=" + clientId,
					"mqtt.clean-start=false", "mqtt.session-expiry=5m", "mqtt.listener.shutdown-timeout=500ms",
					"mqtt.reconnect-delay=100ms");
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

			@MqttSubscribe("${test.prefix}/orders")
			void order(String payload, @Header(MqttHeaders.DUPLICATE) boolean duplicate) throws InterruptedException {
				this.recorder.add("started", payload);
				if (payload.equals("in-progress") && this.blocker.latch() != null) {
					this.blocker.latch().await();
				}
				this.recorder.add("done", payload);
				this.recorder.add("duplicate", duplicate);
			}

		}

	}

}
