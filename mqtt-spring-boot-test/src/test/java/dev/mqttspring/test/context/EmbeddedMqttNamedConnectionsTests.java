package dev.mqttspring.test.context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.embedded.EmbeddedMqttBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedMqtt @EmbeddedMqtt} serves the named connections of the configuration
 * too: their configured URLs are replaced by the broker's.
 */
@SpringBootTest(properties = { "mqtt.url=tcp://127.0.0.1:1", "mqtt.connections.cloud.url=tcp://127.0.0.1:2",
		"mqtt.connections.edge-2.url=tcp://127.0.0.1:3" })
@EmbeddedMqtt
class EmbeddedMqttNamedConnectionsTests {

	@Test
	void everyConnectionTalksToTheBroker(EmbeddedMqttBroker broker, @Autowired MqttConnection connection,
			@Autowired @Qualifier("cloud") MqttConnection cloud, @Autowired @Qualifier("edge-2") MqttConnection edge,
			@Autowired @Qualifier("cloud") MqttTemplate cloudTemplate, @Autowired Listener listener) {
		assertThat(connection.getServerUris()).containsExactly(broker.getUrl());
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
