package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acknowledgement modes against mosquitto with its default in-flight window
 * ({@code max_inflight_messages 20}): a listener that takes 100 ms per message has a
 * backlog of 30 when 1,000 messages for a fast listener of the same connection arrive.
 * <ul>
 * <li>By default the fast listener gets all of them while the slow one is still working:
 * on the HiveMQ client (which acknowledges in arrival order) because messages are
 * acknowledged once queued ({@code received}), on Paho because it acknowledges QoS 1
 * messages out of order ({@code processed}).</li>
 * <li>With {@code mqtt.listener.ack-mode=processed} on the HiveMQ client, the slow
 * listener's unacknowledged messages hold back the acknowledgements of the fast one's,
 * the window fills, and the fast listener finishes only after the slow one. Meanwhile the
 * broker queues the rest: mosquitto drops QoS 1 messages beyond
 * {@code max_queued_messages} (1,000 by default) for the client, so the test raises it.</li>
 * </ul>
 */
class MqttListenerAckModeTests {

	private static final int SLOW = 30;

	private static final int FAST = 1000;

	static Stream<Arguments> defaults() {
		return Stream.of("hivemq", "paho").flatMap((library) -> Stream.of(Arguments.of(library, "5"), Arguments.of(library, "3.1.1")));
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("defaults")
	void slowListenerDoesNotHoldBackTheOthersByDefault(String library, String version) {
		Result result = run(library, version);
		assertThat(result.slowWhenFastDone()).as("slow messages processed when the fast listener had all %d", FAST)
			.isLessThan(SLOW);
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void acknowledgementAfterProcessingOnHiveMqHoldsBackTheOthers(String version) {
		Result result = run("hivemq", version, "mqtt.listener.ack-mode=processed");
		assertThat(result.mode()).isEqualTo(MqttAckMode.PROCESSED);
		// the fast listener's acknowledgements wait behind the slow listener's: it cannot get
		// its last messages before the slow one finished (minus the one in progress)
		assertThat(result.slowWhenFastDone()).isGreaterThanOrEqualTo(SLOW - 1);
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5" })
	void annotationAttributeOverridesTheProperty(String version) {
		Result result = run("hivemq", version, "mqtt.listener.ack-mode=processed", "test.slow-ack-mode=received",
				"test.fast-ack-mode=received");
		assertThat(result.mode()).isEqualTo(MqttAckMode.RECEIVED);
		assertThat(result.slowWhenFastDone()).isLessThan(SLOW);
	}

	private Result run(String library, String version, String... properties) {
		AtomicInteger slowWhenFastDone = new AtomicInteger(-1);
		MqttAckMode[] mode = new MqttAckMode[1];
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.config("max_inflight_messages 20")
			// mosquitto's default of 1,000 would drop QoS 1 messages queued while the window is full
			.config("max_queued_messages 5000")
			.start()) {
			String prefix = ListenerTestSupport.prefix();
			new ApplicationContextRunner()
				.withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
						org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
						dev.mqttspring.autoconfigure.MqttAutoConfiguration.class))
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version, "test.prefix=" + prefix,
						"mqtt.listener.shutdown-timeout=1s", "mqtt.client-library=" + library, "mqtt.fail-fast=true")
				.withPropertyValues(properties)
				.withUserConfiguration(SlowAndFastListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					mode[0] = ((DefaultMqttListenerContainer) context.getBean(MqttListenerEndpointRegistry.class)
						.getListenerContainer("slow")).getAckMode();
					Recorder recorder = context.getBean(Recorder.class);
					MqttConnection client = ListenerTestSupport.client(broker.url(), version);
					try {
						publish(client, prefix + "/slow", SLOW);
						await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("slow") > 0);
						long start = System.nanoTime();
						publish(client, prefix + "/fast", FAST);
						await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count("fast") == FAST);
						slowWhenFastDone.set(recorder.count("slow"));
						long fastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
						await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count("slow") == SLOW);
						long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
						System.out.println("ACK-MODE " + library + " MQTT " + version + " " + mode[0] + ": fast " + FAST
								+ " done after " + fastMillis + " ms with " + slowWhenFastDone.get() + "/" + SLOW
								+ " slow processed; slow done after " + slowMillis + " ms");
					}
					finally {
						ListenerTestSupport.close(client);
					}
				});
		}
		return new Result(mode[0], slowWhenFastDone.get());
	}

	private static void publish(MqttConnection client, String topic, int count) throws Exception {
		List<CompletableFuture<Void>> futures = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			futures.add(client.publish(new MqttOutboundMessage(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false,
					MqttMessageProperties.NONE)));
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
	}

	private record Result(MqttAckMode mode, int slowWhenFastDone) {
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowAndFastListeners {

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

			@MqttSubscribe(id = "slow", topics = "${test.prefix}/slow", ackMode = "${test.slow-ack-mode:}")
			void slow(String payload) throws InterruptedException {
				Thread.sleep(100);
				this.recorder.add("slow", payload);
			}

			@MqttSubscribe(id = "fast", topics = "${test.prefix}/fast", ackMode = "${test.fast-ack-mode:}")
			void fast(String payload) {
				this.recorder.add("fast", payload);
			}

		}

	}

}
