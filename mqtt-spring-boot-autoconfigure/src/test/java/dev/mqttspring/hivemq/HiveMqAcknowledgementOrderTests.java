package dev.mqttspring.hivemq;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.listener.ListenerTestSupport;
import dev.mqttspring.listener.Recorder;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT requires acknowledgements in arrival order and the HiveMQ client keeps it. With
 * acknowledgement after processing ({@code mqtt.listener.ack-mode=processed}), a listener
 * still processing a QoS 1 message holds back the acknowledgements of later messages;
 * once the broker's in-flight window is full, the other listeners of the connection get
 * nothing more until it returns. Nothing is lost. By default ({@code received}) messages
 * are acknowledged once queued, and the other listeners get theirs while it is blocked.
 */
class HiveMqAcknowledgementOrderTests {

	private static final int MESSAGES = 30;

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void byDefaultOtherListenersGetTheirMessagesWhileOneIsBlocked(String version) {
		slowListenerHoldsAMessageWhileFastOnesArePublished(version, (recorder, release) -> {
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("fast") == MESSAGES);
			assertThat(recorder.count("slow")).isOne();
		});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void afterProcessingSlowListenerHoldsBackOtherListenersUntilItReturns(String version) {
		slowListenerHoldsAMessageWhileFastOnesArePublished(version, (recorder, release) -> {
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("fast") > 0);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
				.until(() -> recorder.count("fast") < MESSAGES);
			release.countDown();
			await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("fast") == MESSAGES);
		}, "mqtt.listener.ack-mode=processed");
	}

	/**
	 * Starts the slow and the fast listener on a broker with an in-flight window of 5, holds the slow
	 * listener in its first message, publishes {@link #MESSAGES} messages to the fast one, then checks.
	 */
	private static void slowListenerHoldsAMessageWhileFastOnesArePublished(String version,
			BiConsumer<Recorder, CountDownLatch> check, String... properties) {
		CountDownLatch release = new CountDownLatch(1);
		try (MosquittoBroker broker = MosquittoBroker.builder().config("max_inflight_messages 5").start()) {
			ListenerTestSupport.runner(broker.url(), version, "order")
				.withPropertyValues("mqtt.client-library=hivemq", "mqtt.fail-fast=true")
				.withPropertyValues(properties)
				.withBean(CountDownLatch.class, () -> release)
				.withUserConfiguration(SlowAndFastListeners.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Recorder recorder = context.getBean(Recorder.class);
					MqttConnection client = ListenerTestSupport.client(broker.url(), version);
					try {
						ListenerTestSupport.publish(client, "order/slow", "hold");
						await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count("slow") == 1);
						for (int i = 0; i < MESSAGES; i++) {
							ListenerTestSupport.publish(client, "order/fast", "m" + i);
						}
						check.accept(recorder, release);
					}
					finally {
						release.countDown();
						ListenerTestSupport.close(client);
					}
				});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowAndFastListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listeners listeners(Recorder recorder, CountDownLatch release) {
			return new Listeners(recorder, release);
		}

		static class Listeners {

			private final Recorder recorder;

			private final CountDownLatch release;

			Listeners(Recorder recorder, CountDownLatch release) {
				this.recorder = recorder;
				this.release = release;
			}

			@MqttSubscribe("order/slow")
			void slow(String payload) throws InterruptedException {
				this.recorder.add("slow", payload);
				this.release.await();
			}

			@MqttSubscribe("order/fast")
			void fast(String payload) {
				this.recorder.add("fast", payload);
			}

		}

	}

}
