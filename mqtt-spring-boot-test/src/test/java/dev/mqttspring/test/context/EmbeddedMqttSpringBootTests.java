package dev.mqttspring.test.context;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.embedded.EmbeddedMqttBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedMqtt @EmbeddedMqtt} on a {@code @SpringBootTest}: the auto-configured
 * connections, the default one and the named ones, talk to the broker it started.
 */
@SpringBootTest(properties = { "mqtt.url=tcp://127.0.0.1:1", "mqtt.connections.cloud.url=tcp://127.0.0.1:2",
		"mqtt.connections.edge-2.url=tcp://127.0.0.1:3" })
@EmbeddedMqtt
class EmbeddedMqttSpringBootTests {

	@Autowired
	private MqttConnection connection;

	@Autowired
	private Environment environment;

	@Test
	void pointsMqttUrlAtTheBroker(EmbeddedMqttBroker broker) {
		assertThat(broker.isRunning()).isTrue();
		assertThat(broker.getUrl()).startsWith("tcp://127.0.0.1:");
		assertThat(this.environment.getProperty("mqtt.url")).isEqualTo(broker.getUrl());
		assertThat(this.connection.getServerUris()).containsExactly(broker.getUrl());
	}

	@Test
	void brokerIsTheContextBean(EmbeddedMqttBroker broker, @Autowired EmbeddedMqttBroker bean) {
		assertThat(broker).isSameAs(bean);
	}

	@Test
	void roundTrip() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(this.connection::isConnected);
		String topic = "embedded-mqtt/" + UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		MqttSubscription subscription = new MqttSubscription(topic, 1, (message) -> {
			received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "test");
		assertThat(this.connection.subscribe(subscription).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
		this.connection
			.publish(new MqttOutboundMessage(topic, "hello".getBytes(StandardCharsets.UTF_8), 1, false,
					MqttMessageProperties.NONE))
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).containsExactly("hello"));
		this.connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
	}

	@Test
	void namedConnectionsTalkToTheBrokerToo(EmbeddedMqttBroker broker, @Autowired @Qualifier("cloud") MqttConnection cloud,
			@Autowired @Qualifier("edge-2") MqttConnection edge, @Autowired @Qualifier("cloud") MqttTemplate cloudTemplate,
			@Autowired Listener listener) {
		assertThat(cloud.getServerUris()).containsExactly(broker.getUrl());
		assertThat(edge.getServerUris()).containsExactly(broker.getUrl());
		await().atMost(Duration.ofSeconds(10)).until(() -> cloud.isConnected() && edge.isConnected());
		cloudTemplate.publish("embedded-named/a", "from-cloud");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(listener.received).containsExactly("from-cloud"));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Listener {

		final List<String> received = new CopyOnWriteArrayList<>();

		@MqttSubscribe(topics = "embedded-named/+", connection = "edge-2")
		void onMessage(String payload) {
			this.received.add(payload);
		}

	}

}
