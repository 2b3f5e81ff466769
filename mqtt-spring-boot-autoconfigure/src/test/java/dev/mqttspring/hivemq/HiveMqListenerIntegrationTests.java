package dev.mqttspring.hivemq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.listener.ListenerTestSupport;
import dev.mqttspring.listener.Recorder;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HiveMQ backend ({@code mqtt.client-library=hivemq}) end to end through
 * {@link MqttTemplate} and {@code @MqttSubscribe} listeners, on mosquitto and the embedded
 * broker with MQTT 5 and 3.1.1: QoS 0/1/2, wildcards, MQTT 5 properties, overlapping
 * filters and shared subscriptions.
 */
class HiveMqListenerIntegrationTests {

	static ApplicationContextRunner runner(String broker, String version, String prefix) {
		return ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withPropertyValues("mqtt.client-library=hivemq", "mqtt.fail-fast=true");
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void templateAndListenersWithEveryQos(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		runner(broker, version, prefix).withUserConfiguration(QosListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(((DefaultMqttConnection) connection).getClientAdapter().getClass().getPackageName()).isEqualTo("dev.mqttspring.hivemq");
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			for (int qos = 0; qos <= 2; qos++) {
				for (int i = 0; i < 3; i++) {
					template.publish(prefix + "/qos" + qos + "/x", "m" + i, qos, false).get(10, TimeUnit.SECONDS);
				}
			}
			Recorder recorder = context.getBean(Recorder.class);
			await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
				assertThat(recorder.get("qos0")).containsExactly("m0 qos=0", "m1 qos=0", "m2 qos=0");
				assertThat(recorder.get("qos1")).containsExactly("m0 qos=1", "m1 qos=1", "m2 qos=1");
				assertThat(recorder.get("qos2")).containsExactly("m0 qos=2", "m1 qos=2", "m2 qos=2");
			});
			template.publish(prefix + "/retained/r", "kept", 1, true).get(10, TimeUnit.SECONDS);
			template.publish(prefix + "/retained/r", "", 1, true).get(10, TimeUnit.SECONDS);
		});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void wildcardsAndProperties(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		runner(broker, version, prefix).withUserConfiguration(WildcardListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Recorder recorder = context.getBean(Recorder.class);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			template.publish(prefix + "/plus/a/t", "one").get(10, TimeUnit.SECONDS);
			template.publish(prefix + "/plus/a/b/t", "not matched by +").get(10, TimeUnit.SECONDS);
			template.publish(prefix + "/hash/x/y/z", "deep").get(10, TimeUnit.SECONDS);
			template.publish(prefix + "/hash", "parent level").get(10, TimeUnit.SECONDS);
			MqttMessageProperties properties = MqttMessageProperties.builder()
				.contentType("text/plain")
				.responseTopic(prefix + "/replies")
				.correlationData(new byte[] { 1, 2, 3 })
				.messageExpiryInterval(60L)
				.payloadFormatUtf8(true)
				.userProperty("trace", "t-1")
				.build();
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
			try {
				ListenerTestSupport.publish(client, prefix + "/message/m", "as message", 2, properties);
			}
			finally {
				ListenerTestSupport.close(client);
			}
			await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
				assertThat(recorder.get("plus")).containsExactly(prefix + "/plus/a/t=one");
				assertThat(recorder.get("hash")).containsExactlyInAnyOrder(prefix + "/hash/x/y/z=deep",
						prefix + "/hash=parent level");
				assertThat(recorder.get("message")).hasSize(1);
			});
			@SuppressWarnings("unchecked")
			Message<byte[]> message = (Message<byte[]>) recorder.get("message").get(0);
			assertThat(new String(message.getPayload(), StandardCharsets.UTF_8)).isEqualTo("as message");
			assertThat(message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC)).isEqualTo(prefix + "/message/m");
			assertThat(message.getHeaders().get(MqttHeaders.RECEIVED_QOS)).isEqualTo(2);
			if ("5".equals(version)) {
				assertThat(message.getHeaders().get(MqttHeaders.CONTENT_TYPE)).isEqualTo("text/plain");
				assertThat(message.getHeaders().get(MqttHeaders.RESPONSE_TOPIC)).isEqualTo(prefix + "/replies");
				assertThat(message.getHeaders().get(MqttHeaders.CORRELATION_DATA)).isEqualTo(new byte[] { 1, 2, 3 });
				assertThat(message.getHeaders().get(MqttHeaders.USER_PROPERTIES))
					.isEqualTo(List.of(new MqttUserProperty("trace", "t-1")));
			}
		});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void overlappingFiltersDeliverEachMessageOncePerListener(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		// MQTT 5 only: a shared subscription next to an overlapping plain one. MQTT 3.1.1 has no
		// subscription identifiers, and brokers that send the group's copy apart from the plain
		// one (the embedded broker) deliver it twice to the plain listeners, with either library
		Class<?>[] listeners = "5".equals(version)
				? new Class<?>[] { OverlappingListeners.class, OverlappingSharedListener.class }
				: new Class<?>[] { OverlappingListeners.class };
		runner(broker, version, prefix).withUserConfiguration(listeners).run((context) -> {
			assertThat(context).hasNotFailed();
			Recorder recorder = context.getBean(Recorder.class);
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
			try {
				for (int i = 0; i < 5; i++) {
					ListenerTestSupport.publish(client, prefix + "/o/a/t", "m" + i);
				}
				ListenerTestSupport.publish(client, prefix + "/o/a/t", "end");
			}
			finally {
				ListenerTestSupport.close(client);
			}
			List<String> expected = List.of("m0", "m1", "m2", "m3", "m4", "end");
			List<String> keys = "5".equals(version) ? List.of("plus", "hash", "exact", "both", "shared")
				: List.of("plus", "hash", "exact", "both");
			await().atMost(ListenerTestSupport.timeout())
				.until(() -> keys.stream().allMatch((key) -> recorder.get(key).contains("end")));
			// mosquitto sends MQTT 5 clients one copy per matching subscription (4 here), told
			// apart by the subscription identifiers read from the HiveMQ client's internals
			await().during(Duration.ofMillis(500)).atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
				for (String key : keys) {
					assertThat(recorder.get(key)).as(key).containsExactlyElementsOf(expected);
				}
			});
		});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void subscriptionIdentifierHeaderNamesTheFilterWhenFiltersDoNotOverlap(String broker, String version) {
		Assumptions.assumeTrue("5".equals(version), "MQTT 5 only");
		String prefix = ListenerTestSupport.prefix();
		runner(broker, version, prefix).withUserConfiguration(IdentifiedListeners.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			Assumptions.assumeTrue(connection.getBrokerLimits().subscriptionIdentifiersAvailable(),
					"the broker has no subscription identifiers");
			MqttTemplate template = context.getBean(MqttTemplate.class);
			Recorder recorder = context.getBean(Recorder.class);
			for (int i = 0; i < 2; i++) {
				template.publish(prefix + "/i/a/x", "a" + i, 1, false).get(10, TimeUnit.SECONDS);
				template.publish(prefix + "/i/b/x/y", "b" + i, 1, false).get(10, TimeUnit.SECONDS);
			}
			await().atMost(ListenerTestSupport.timeout()).untilAsserted(() -> {
				assertThat(recorder.get("a")).hasSize(2);
				assertThat(recorder.get("b")).hasSize(2);
			});
			// without overlap the identifier is not read from the client but taken from the one
			// matching filter: each filter's messages carry that filter's identifier
			Object a = recorder.get("a").get(0);
			Object b = recorder.get("b").get(0);
			assertThat(a).isInstanceOf(List.class).asList().singleElement().isInstanceOf(Integer.class);
			assertThat(b).isInstanceOf(List.class).asList().singleElement().isInstanceOf(Integer.class);
			assertThat(a).isNotEqualTo(b);
			assertThat(recorder.get("a")).containsOnly(a);
			assertThat(recorder.get("b")).containsOnly(b);
		});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void sharedSubscriptionDeliversEachMessageOnceAcrossInstances(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ApplicationContextRunner runner = runner(broker, version, prefix).withUserConfiguration(WorkerListeners.class);
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasNotFailed();
			assertThat(second).hasNotFailed();
			MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
			try {
				for (int i = 0; i < 20; i++) {
					ListenerTestSupport.publish(client, prefix + "/jobs/" + (i % 3), "job-" + i);
				}
			}
			finally {
				ListenerTestSupport.close(client);
			}
			Recorder one = first.getBean(Recorder.class);
			Recorder two = second.getBean(Recorder.class);
			await().atMost(ListenerTestSupport.timeout()).until(() -> one.count("jobs") + two.count("jobs") >= 20);
			await().during(Duration.ofMillis(300)).atMost(ListenerTestSupport.timeout())
				.until(() -> one.count("jobs") + two.count("jobs") == 20);
			assertThat(new java.util.HashSet<>(List.of(one.get("jobs"), two.get("jobs")).stream().flatMap(List::stream).toList()))
				.hasSize(20);
			if ("mosquitto".equals(broker)) {
				assertThat(one.count("jobs")).isPositive();
				assertThat(two.count("jobs")).isPositive();
			}
		}));
	}

	@Configuration(proxyBeanMethods = false)
	static class QosListeners {

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

			@MqttSubscribe(topics = "${test.prefix}/qos0/+", qos = 0)
			void qos0(String payload, @Header(MqttHeaders.RECEIVED_QOS) int qos) {
				this.recorder.add("qos0", payload + " qos=" + qos);
			}

			@MqttSubscribe(topics = "${test.prefix}/qos1/+", qos = 1)
			void qos1(String payload, @Header(MqttHeaders.RECEIVED_QOS) int qos) {
				this.recorder.add("qos1", payload + " qos=" + qos);
			}

			@MqttSubscribe(topics = "${test.prefix}/qos2/+", qos = 2)
			void qos2(String payload, @Header(MqttHeaders.RECEIVED_QOS) int qos) {
				this.recorder.add("qos2", payload + " qos=" + qos);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WildcardListeners {

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

			@MqttSubscribe("${test.prefix}/plus/+/t")
			void plus(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
				this.recorder.add("plus", topic + "=" + payload);
			}

			@MqttSubscribe("${test.prefix}/hash/#")
			void hash(String payload, @Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
				this.recorder.add("hash", topic + "=" + payload);
			}

			@MqttSubscribe(topics = "${test.prefix}/message/+", qos = 2)
			void message(Message<byte[]> message) {
				this.recorder.add("message", message);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OverlappingListeners {

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

			@MqttSubscribe("${test.prefix}/o/+/t")
			void plus(String payload) {
				this.recorder.add("plus", payload);
			}

			@MqttSubscribe("${test.prefix}/o/#")
			void hash(String payload) {
				this.recorder.add("hash", payload);
			}

			@MqttSubscribe("${test.prefix}/o/a/t")
			void exact(String payload) {
				this.recorder.add("exact", payload);
			}

			@MqttSubscribe({ "${test.prefix}/o/a/+", "${test.prefix}/o/+/t" })
			void both(String payload) {
				this.recorder.add("both", payload);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IdentifiedListeners {

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

			@MqttSubscribe("${test.prefix}/i/a/+")
			void a(Message<byte[]> message) {
				this.recorder.add("a", message.getHeaders().get(MqttHeaders.SUBSCRIPTION_IDENTIFIERS));
			}

			@MqttSubscribe("${test.prefix}/i/b/#")
			void b(Message<byte[]> message) {
				this.recorder.add("b", message.getHeaders().get(MqttHeaders.SUBSCRIPTION_IDENTIFIERS));
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OverlappingSharedListener {

		@Bean
		Listener sharedListener(Recorder recorder) {
			return new Listener(recorder);
		}

		static class Listener {

			private final Recorder recorder;

			Listener(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(topics = "${test.prefix}/o/a/+", group = "g")
			void shared(String payload) {
				this.recorder.add("shared", payload);
			}

		}

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

			@MqttSubscribe(topics = "${test.prefix}/jobs/+", group = "workers")
			void jobs(String payload) {
				this.recorder.add("jobs", payload);
			}

		}

	}

}
