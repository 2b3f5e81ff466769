package dev.mqttspring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection round trips against the system mosquitto on 127.0.0.1:1883 and the embedded
 * broker, over MQTT 5 and 3.1.1.
 */
class MqttConnectionIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void roundTripOnMosquitto(String version) {
		this.runner.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "mqtt.version=" + version)
			.run((context) -> roundTrip(context.getBean(MqttConnection.class), version));
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void roundTripOnEmbeddedBroker(String version) {
		this.runner.withPropertyValues("mqtt.version=" + version).run((context) -> {
			assertThat(context).hasBean("embeddedMqttBroker");
			roundTrip(context.getBean(MqttConnection.class), version);
		});
	}

	private void roundTrip(MqttConnection connection, String version) throws Exception {
		context(connection);
		String prefix = "it/" + UUID.randomUUID();
		String topic = prefix + "/a";
		List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();
		MqttSubscription subscription = new MqttSubscription(prefix + "/+", 1, (message) -> {
			received.add(message);
			message.acknowledge();
		}, "test");
		MqttSubscriptionResult result = connection.subscribe(subscription).get(10, TimeUnit.SECONDS);
		assertThat(result.isGranted()).isTrue();
		assertThat(result.grantedQos()).isEqualTo(1);
		MqttMessageProperties properties = MqttMessageProperties.builder().contentType("text/plain").userProperty("k", "v").build();
		connection.publish(new MqttOutboundMessage(topic, "hello".getBytes(StandardCharsets.UTF_8), 1, false, properties))
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		MqttInboundMessage message = received.get(0);
		assertThat(message.getTopic()).isEqualTo(topic);
		assertThat(new String(message.getPayload(), StandardCharsets.UTF_8)).isEqualTo("hello");
		assertThat(message.getQos()).isEqualTo(1);
		if (version.equals("5")) {
			assertThat(message.getProperties().getContentType()).isEqualTo("text/plain");
			assertThat(message.getProperties().getUserProperty("k")).isEqualTo("v");
		}
		connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
		connection.publish(new MqttOutboundMessage(topic, new byte[] { 1 }, 1, false, MqttMessageProperties.NONE))
			.get(10, TimeUnit.SECONDS);
		assertThat(connection.getSubscriptions()).isEmpty();
	}

	private static void context(MqttConnection connection) {
		assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
		assertThat(connection.getConnectedServerUri()).startsWith("tcp://127.0.0.1:");
	}

}
