package dev.mqttspring.listener;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.SendTo;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttNamedConnectionsAutoConfiguration;
import dev.mqttspring.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replies and dead letters go out through the template of the listener's connection, so
 * they are counted by its {@code mqtt.publish} meter (default and named connection).
 */
class MqttListenerPublishMetricsTests {

	@Test
	void repliesAndDeadLettersAreTimedByTheTemplateOfTheListenersConnection() {
		String url = ListenerTestSupport.embeddedUrl();
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(url, "5", prefix)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					MqttNamedConnectionsAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
			.withPropertyValues("mqtt.listener.dead-letter-topic=" + prefix + "/dlt", "mqtt.connections.cloud.url=" + url)
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				MqttConnection client = ListenerTestSupport.client(url, "5");
				try {
					ListenerTestSupport.publish(client, prefix + "/ask", "ping");
					ListenerTestSupport.publish(client, prefix + "/cloud-ask", "ping");
					ListenerTestSupport.publish(client, prefix + "/poison", "poison");
					await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
						assertThat(recorder.get("answer")).containsExactlyInAnyOrder("pong", "cloud-pong");
						assertThat(recorder.get("dlt")).containsExactly("poison");
						assertThat(published(registry, "default")).isEqualTo(2);
						assertThat(published(registry, "cloud")).isEqualTo(1);
					});
					assertThat(context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("poison")
						.getDeadLetteredCount()).isOne();
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	private static long published(MeterRegistry registry, String connection) {
		return Search.in(registry)
			.name("mqtt.publish")
			.tags("connection", connection, "outcome", "success")
			.timers()
			.stream()
			.mapToLong((timer) -> timer.count())
			.sum();
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Endpoints endpoints(Recorder recorder) {
			return new Endpoints(recorder);
		}

	}

	static class Endpoints {

		private final Recorder recorder;

		Endpoints(Recorder recorder) {
			this.recorder = recorder;
		}

		@MqttSubscribe(id = "replier", topics = "${test.prefix}/ask")
		@SendTo("${test.prefix}/answer")
		String reply(String request) {
			return "pong";
		}

		@MqttSubscribe(id = "cloud-replier", topics = "${test.prefix}/cloud-ask", connection = "cloud")
		@SendTo("${test.prefix}/answer")
		String cloudReply(String request) {
			return "cloud-pong";
		}

		@MqttSubscribe(id = "poison", topics = "${test.prefix}/poison")
		void poison(String payload) {
			throw new IllegalStateException("cannot handle " + payload);
		}

		@MqttSubscribe(id = "answers", topics = "${test.prefix}/answer")
		void answer(String payload) {
			this.recorder.add("answer", payload);
		}

		@MqttSubscribe(id = "dead-letters", topics = "${test.prefix}/dlt")
		void deadLetter(String payload) {
			this.recorder.add("dlt", payload);
		}

	}

}
