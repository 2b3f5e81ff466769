package dev.mqttspring.listener;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acknowledgement after success ({@code mqtt.listener.ack-mode=processed}, the default on
 * Paho, set on both): an application that dies while its listener processes a QoS 1 or 2
 * message gets the message again after a restart with the same persistent session, while
 * the message it had finished is not redelivered, on both client libraries. QoS 1 needs nothing else (the broker sends the unacknowledged message
 * again). QoS 2 on Paho needs the client's session state on disk
 * ({@code mqtt.persistence.type=file}), because Paho acknowledges its receipt (PUBREC)
 * before the listener runs; the HiveMQ backend withholds the PUBREC until the listener
 * returned, so the broker sends the message again with in-memory persistence.
 * <p>
 * The "crash" cuts the network first (a TCP proxy between application and mosquitto
 * resets the connection and refuses new ones), so nothing the dying application does
 * afterwards can reach the broker; then the context is closed with the listener still
 * blocked.
 */
class MqttListenerRedeliveryTests {

	@TempDir
	Path store;

	static Stream<Arguments> cases() {
		// QoS 2 on Paho: the client library acknowledges receipt (PUBREC) before the listener
		// runs, so the client's own store (file persistence) keeps the message until it is
		// processed; the HiveMQ backend sends PUBREC after the listener, memory is enough
		return Stream.of("paho", "hivemq")
			.flatMap((library) -> Stream.of("mosquitto", "embedded")
				.flatMap((broker) -> Stream.of(Arguments.of(library, broker, "5", 1, "memory"),
						Arguments.of(library, broker, "3.1.1", 1, "memory"),
						Arguments.of(library, broker, "5", 2, qos2Persistence(library)),
						Arguments.of(library, broker, "3.1.1", 2, qos2Persistence(library)))));
	}

	private static String qos2Persistence(String library) {
		return "paho".equals(library) ? "file" : "memory";
	}

	@ParameterizedTest(name = "{0}, {1}, MQTT {2}, QoS {3}, {4} persistence")
	@MethodSource("cases")
	void messageInProgressWhenTheApplicationDiesIsRedelivered(String library, String broker, String version, int qos,
			String persistence) throws Exception {
		URI brokerUri = URI.create(ListenerTestSupport.url(broker));
		String prefix = ListenerTestSupport.prefix();
		String topic = prefix + "/orders" + qos;
		String clientId = "redelivery-" + UUID.randomUUID().toString().substring(0, 8);
		Recorder recorder = new Recorder();
		CountDownLatch never = new CountDownLatch(1);
		try (TcpProxy proxy = TcpProxy.start(brokerUri.getHost(), brokerUri.getPort())) {
			ConfigurableApplicationContext first = start(runner(library, proxy.url(), version, prefix, clientId, persistence),
					recorder, never);
			MqttConnection client = ListenerTestSupport.client(brokerUri.toString(), version);
			try {
				ListenerTestSupport.publish(client, topic, "finished", qos, MqttMessageProperties.NONE);
				ListenerTestSupport.publish(client, topic, "in-progress", qos, MqttMessageProperties.NONE);
				await().atMost(ListenerTestSupport.timeout())
					.until(() -> recorder.get("started").contains("in-progress"));
				assertThat(recorder.get("done")).containsExactly("finished");
				proxy.refuseNew(true);
				proxy.resetAll();
				first.close();
				// the same URL again: Paho's MQTT 3.1.1 file store keeps a directory per client id and URL
				proxy.refuseNew(false);
				ConfigurableApplicationContext second = start(
						runner(library, proxy.url(), version, prefix, clientId, persistence), recorder, null);
				try {
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("in-progress"));
					await().during(Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> assertThat(recorder.get("done")).containsExactly("finished", "in-progress"));
					assertThat(recorder.get("qos")).containsOnly(qos);
					if ("paho".equals(library) && "mosquitto".equals(broker) && "3.1.1".equals(version) && qos == 1) {
						// mosquitto 2.0 sets DUP on the resent MQTT 3.1.1 PUBLISH, not on MQTT 5; the
						// HiveMQ client does not expose the DUP flag
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

	static Stream<Arguments> killCases() {
		// the network-cut cases above cover every broker, version and QoS; a real kill costs a
		// JVM start, so it runs where the client's own state matters most (QoS 2) and once at QoS 1
		return Stream.of("paho", "hivemq")
			.flatMap((library) -> Stream.of(Arguments.of(library, "mosquitto", "5", 1, "memory"),
					Arguments.of(library, "mosquitto", "3.1.1", 2, qos2Persistence(library)),
					Arguments.of(library, "embedded", "5", 2, qos2Persistence(library))));
	}

	/**
	 * The same with a real crash: the first application runs in its own JVM, which is
	 * killed (SIGKILL) while its listener is in the middle of a message.
	 */
	@ParameterizedTest(name = "{0}, {1}, MQTT {2}, QoS {3}, {4} persistence, killed")
	@MethodSource("killCases")
	void messageInProgressWhenTheApplicationIsKilledIsRedelivered(String library, String broker, String version, int qos,
			String persistence) throws Exception {
		String url = ListenerTestSupport.url(broker);
		String prefix = ListenerTestSupport.prefix();
		String topic = prefix + "/orders" + qos;
		String clientId = "killed-" + UUID.randomUUID().toString().substring(0, 8);
		ChildJvm jvm = ChildJvm.start("killed-application", KilledListenerApplication.class,
				List.of(url, version, prefix, clientId, persistence, this.store.toString(), library));
		Process child = jvm.process();
		List<String> output = jvm.output();
		Recorder recorder = new Recorder();
		MqttConnection client = ListenerTestSupport.client(url, version);
		ConfigurableApplicationContext second = null;
		try {
			await().atMost(Duration.ofSeconds(60))
				.failFast(() -> !child.isAlive())
				.until(() -> output.contains(KilledListenerApplication.READY));
			ListenerTestSupport.publish(client, topic, "finished", qos, MqttMessageProperties.NONE);
			ListenerTestSupport.publish(client, topic, "in-progress", qos, MqttMessageProperties.NONE);
			await().atMost(ListenerTestSupport.timeout())
				.until(() -> output.contains("EVENT done finished") && output.contains("EVENT started in-progress"));
			child.destroyForcibly();
			assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(output).doesNotContain("EVENT done in-progress");
			second = start(runner(library, url, version, prefix, clientId, persistence), recorder, null);
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("in-progress"));
			await().during(Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout())
				.untilAsserted(() -> assertThat(recorder.get("done")).containsExactly("in-progress"));
		}
		catch (Throwable ex) {
			throw new AssertionError("Killed application's output:\n" + String.join("\n", output), ex);
		}
		finally {
			child.destroyForcibly();
			if (second != null) {
				second.close();
			}
			ListenerTestSupport.close(client);
		}
	}

	private SpringApplicationBuilder runner(String library, String url, String version, String prefix, String clientId,
			String persistence) {
		return runner(library, url, version, prefix, clientId, persistence, this.store);
	}

	static SpringApplicationBuilder runner(String library, String url, String version, String prefix, String clientId,
			String persistence, Path store) {
		return new SpringApplicationBuilder(JacksonAutoConfiguration.class, MqttAutoConfiguration.class, OrderListener.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.client-library=" + library, "mqtt.listener.ack-mode=processed", "mqtt.url=" + url,
					"mqtt.version=" + version, "test.prefix=" + prefix, "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
					"mqtt.session-expiry=5m", "mqtt.listener.shutdown-timeout=500ms", "mqtt.reconnect-delay=100ms",
					"mqtt.persistence.type=" + persistence, "mqtt.persistence.directory=" + store);
	}

	static ConfigurableApplicationContext start(SpringApplicationBuilder builder, Recorder recorder, CountDownLatch block) {
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

			@MqttSubscribe(topics = "${test.prefix}/orders1", qos = 1)
			void order(String payload, @Header(MqttHeaders.DUPLICATE) boolean duplicate,
					@Header(MqttHeaders.RECEIVED_QOS) int qos) throws InterruptedException {
				handle(payload, duplicate, qos);
			}

			@MqttSubscribe(topics = "${test.prefix}/orders2", qos = 2)
			void exactlyOnceOrder(String payload, @Header(MqttHeaders.DUPLICATE) boolean duplicate,
					@Header(MqttHeaders.RECEIVED_QOS) int qos) throws InterruptedException {
				handle(payload, duplicate, qos);
			}

			private void handle(String payload, boolean duplicate, int qos) throws InterruptedException {
				this.recorder.add("qos", qos);
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
