package dev.mqttspring.listener;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.testsupport.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What each acknowledgement mode redelivers after a crash: an application with a
 * persistent session runs in its own JVM, its listener blocks on the first of three QoS 1
 * messages while the other two wait in its queue, and the JVM is killed (SIGKILL). The
 * same client id then connects again.
 * <ul>
 * <li>{@code processed}: none of the three was acknowledged, the broker sends all three
 * again.</li>
 * <li>{@code received}: all three were acknowledged on receipt, the broker sends none of
 * them again: they are lost.</li>
 * </ul>
 */
class MqttListenerAckModeCrashTests {

	static final String LISTENER_ID = "jobs";

	@ParameterizedTest(name = "{0}, MQTT {1}, ack-mode={2}")
	@CsvSource({ "hivemq, 5, received", "hivemq, 3.1.1, processed", "paho, 5, received", "paho, 3.1.1, processed" })
	void killedApplicationGetsAgainWhatItHadNotAcknowledged(String library, String version, String ackMode)
			throws Exception {
		String url = ListenerTestSupport.url("mosquitto");
		String prefix = ListenerTestSupport.prefix();
		String clientId = "ack-mode-" + UUID.randomUUID().toString().substring(0, 8);
		ChildJvm jvm = ChildJvm.start("ack-mode-killed-application", AckModeKilledListenerApplication.class,
				List.of(url, version, prefix, clientId, library, ackMode));
		Process child = jvm.process();
		List<String> output = jvm.output();
		Recorder recorder = new Recorder();
		MqttConnection client = ListenerTestSupport.client(url, version);
		ConfigurableApplicationContext second = null;
		try {
			await().atMost(Duration.ofSeconds(60))
				.failFast(() -> !child.isAlive())
				.until(() -> output.contains(AckModeKilledListenerApplication.READY));
			for (String job : List.of("a", "b", "c")) {
				ListenerTestSupport.publish(client, prefix + "/jobs", job);
			}
			await().atMost(ListenerTestSupport.timeout())
				.until(() -> output.contains("EVENT started a") && output.contains("RECEIVED 3"));
			child.destroyForcibly();
			assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			second = application(url, version, prefix, clientId, library, ackMode, false)
				.initializers((context) -> context.getBeanFactory().registerSingleton("recorder", recorder))
				.run();
			ListenerTestSupport.publish(client, prefix + "/jobs", "after");
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("done").contains("after"));
			List<Object> expected = "processed".equals(ackMode) ? List.of("a", "b", "c", "after") : List.of("after");
			await().during(Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout())
				.untilAsserted(() -> assertThat(recorder.get("done")).containsExactlyElementsOf(expected));
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

	static SpringApplicationBuilder application(String url, String version, String prefix, String clientId,
			String library, String ackMode, boolean block) {
		return new SpringApplicationBuilder(JacksonAutoConfiguration.class, MqttAutoConfiguration.class, JobListener.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.url=" + url, "mqtt.version=" + version, "test.prefix=" + prefix, "mqtt.client-id=" + clientId,
					"mqtt.client-library=" + library, "mqtt.listener.ack-mode=" + ackMode, "test.block=" + block,
					"mqtt.clean-start=false", "mqtt.session-expiry=5m", "mqtt.listener.shutdown-timeout=500ms",
					"mqtt.reconnect-delay=100ms");
	}

	@Configuration(proxyBeanMethods = false)
	static class JobListener {

		@Bean
		Listener listener(Recorder recorder, @Value("${test.block}") boolean block) {
			return new Listener(recorder, block);
		}

		static class Listener {

			private final Recorder recorder;

			private final CountDownLatch never = new CountDownLatch(1);

			private final boolean block;

			Listener(Recorder recorder, boolean block) {
				this.recorder = recorder;
				this.block = block;
			}

			@MqttSubscribe(id = LISTENER_ID, topics = "${test.prefix}/jobs")
			void job(String payload) throws InterruptedException {
				this.recorder.add("started", payload);
				if (this.block) {
					this.never.await();
				}
				this.recorder.add("done", payload);
			}

		}

	}

}
