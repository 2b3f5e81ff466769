package dev.mqttspring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Last Will is published when the application's connection is cut abnormally (a
 * {@link TcpProxy} between the application and mosquitto resets it), and not after a
 * graceful close. A raw Paho (MQTT 3.1.1) client connected straight to the broker observes it.
 */
class MqttConnectionWillIntegrationTests {

	private MosquittoBroker broker;

	private TcpProxy proxy;

	private MqttClient observer;

	private final List<String> received = new CopyOnWriteArrayList<>();

	private String willTopic;

	private String markerTopic;

	@BeforeEach
	void setUp() throws Exception {
		this.broker = MosquittoBroker.builder().start();
		this.proxy = TcpProxy.start("127.0.0.1", this.broker.port());
		String base = "will-it/" + UUID.randomUUID();
		this.willTopic = base + "/status";
		this.markerTopic = base + "/marker";
		this.observer = new MqttClient(this.broker.url(), "observer-" + UUID.randomUUID(), new MemoryPersistence());
		MqttConnectOptions options = new MqttConnectOptions();
		options.setConnectionTimeout(5);
		this.observer.connect(options);
		this.observer.subscribe(base + "/#", 1, (topic, message) -> this.received
			.add(topic.substring(base.length() + 1) + "=" + new String(message.getPayload(), StandardCharsets.UTF_8)));
	}

	@AfterEach
	void tearDown() throws Exception {
		if (this.observer != null) {
			if (this.observer.isConnected()) {
				this.observer.disconnect(1000);
			}
			this.observer.close(true);
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.broker != null) {
			this.broker.close();
		}
	}

	private ApplicationContextRunner runner(String version) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + this.proxy.url(), "mqtt.version=" + version, "mqtt.fail-fast=true",
					"mqtt.automatic-reconnect=false", "mqtt.will.topic=" + this.willTopic, "mqtt.will.payload=offline",
					"mqtt.will.qos=1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void willIsPublishedWhenTheConnectionIsCutAbnormally(String version) {
		runner(version).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).isTrue();
			this.proxy.resetAll();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.contains("status=offline"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(connection.getState()).isEqualTo(MqttConnectionState.DISCONNECTED));
			assertThat(connection.getLastFailure()).isNotNull();
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void willIsNotPublishedOnGracefulClose(String version) throws Exception {
		runner(version).run((context) -> {
			assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
			context.close();
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.connectionCount() == 0);
		// a marker published after the close arrives after any Will the broker would have sent
		this.observer.publish(this.markerTopic, "done".getBytes(StandardCharsets.UTF_8), 1, false);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.received.contains("marker=done"));
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !this.received.contains("status=offline"));
		assertThat(this.received).containsExactly("marker=done");
	}

}
