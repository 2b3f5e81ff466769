package dev.mqttspring.listener;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code group} listener in two application contexts on one broker: each message is
 * handled by exactly one of them.
 */
class MqttSharedSubscriptionListenerTests {

	private static final int MESSAGES = 40;

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void sharedSubscriptionSplitsMessagesAcrossInstances(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		String url = ListenerTestSupport.url(broker);
		ApplicationContextRunner runner = ListenerTestSupport.runner(url, version, prefix)
			.withUserConfiguration(WorkerListeners.class);
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasNotFailed();
			assertThat(second).hasNotFailed();
			MqttListenerContainer container = first.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("worker");
			assertThat(container.getTopicFilters()).containsExactly("$share/workers/" + prefix + "/jobs/+");
			assertThat(container.getGroup()).isEqualTo("workers");
			MqttConnection client = ListenerTestSupport.client(url, version);
			try {
				List<java.util.concurrent.CompletableFuture<Void>> sent = new java.util.ArrayList<>();
				for (int i = 0; i < MESSAGES; i++) {
					sent.add(client.publish(new dev.mqttspring.core.MqttOutboundMessage(prefix + "/jobs/" + (i % 4),
							("job-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false,
							dev.mqttspring.core.MqttMessageProperties.NONE)));
				}
				java.util.concurrent.CompletableFuture.allOf(sent.toArray(new java.util.concurrent.CompletableFuture[0]))
					.get(10, java.util.concurrent.TimeUnit.SECONDS);
				Recorder one = recorder(first);
				Recorder two = recorder(second);
				await().atMost(ListenerTestSupport.timeout()).until(() -> one.count("jobs") + two.count("jobs") >= MESSAGES);
				await().during(java.time.Duration.ofMillis(300)).atMost(ListenerTestSupport.timeout())
					.until(() -> one.count("jobs") + two.count("jobs") == MESSAGES);
				Set<Object> all = new HashSet<>(one.get("jobs"));
				all.addAll(two.get("jobs"));
				assertThat(all).hasSize(MESSAGES);
				if ("mosquitto".equals(broker)) {
					// mosquitto distributes round-robin; HiveMQ CE may give every message to one member
					assertThat(one.count("jobs")).isPositive();
					assertThat(two.count("jobs")).isPositive();
				}
				// the member that got more stops: the group's messages go to the other one
				ConfigurableApplicationContext busier = (one.count("jobs") >= two.count("jobs")) ? first : second;
				Recorder other = (busier == first) ? two : one;
				int before = other.count("jobs");
				busier.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("worker").stop();
				for (int i = 0; i < 10; i++) {
					ListenerTestSupport.publish(client, prefix + "/jobs/0", "late-" + i);
				}
				await().atMost(ListenerTestSupport.timeout()).until(() -> other.count("jobs") == before + 10);
				assertThat(recorder(busier).count("jobs") + other.count("jobs")).isEqualTo(MESSAGES + 10);
				assertThat(List.of(one.get("queue").get(0), two.get("queue").get(0))).allMatch((q) -> q.toString().matches("[0-3]"));
			}
			finally {
				ListenerTestSupport.close(client);
			}
		}));
	}

	private static Recorder recorder(ConfigurableApplicationContext context) {
		return context.getBean(Recorder.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class WorkerListeners {

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

			@MqttSubscribe(id = "worker", topics = "${test.prefix}/jobs/{queue}", group = "workers")
			void work(String payload, @TopicVariable String queue) throws InterruptedException {
				Thread.sleep(5); // simulated work
				this.recorder.add("jobs", payload);
				this.recorder.add("queue", queue);
			}

		}

	}

}
