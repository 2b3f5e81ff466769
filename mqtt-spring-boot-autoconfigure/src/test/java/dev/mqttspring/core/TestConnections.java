package dev.mqttspring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.paho.PahoConnections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts real connections for tests and stops them all at the end.
 */
final class TestConnections implements AutoCloseable {

	static final String MOSQUITTO = "tcp://127.0.0.1:1883";

	private final List<MqttConnection> connections = new ArrayList<>();

	MqttConnection start(String url, MqttVersion version) {
		return start(url, version, (settings) -> {
		});
	}

	MqttConnection start(String url, MqttVersion version, Consumer<MqttConnectionSettings> customizer) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of(url));
		settings.setClientId("template-test-" + UUID.randomUUID().toString().substring(0, 8));
		settings.setVersion(version);
		settings.setConnectionTimeout(Duration.ofSeconds(5));
		settings.setReconnectMinDelay(Duration.ofMillis(100));
		settings.setReconnectMaxDelay(Duration.ofMillis(500));
		settings.setFailFast(true);
		customizer.accept(settings);
		MqttConnection connection = PahoConnections.create(settings);
		this.connections.add(connection);
		((SmartLifecycle) connection).start();
		return connection;
	}

	static void stop(MqttConnection connection) {
		((SmartLifecycle) connection).stop();
	}

	/**
	 * Subscribe and collect the messages, acknowledging each.
	 */
	static List<MqttInboundMessage> collect(MqttConnection connection, String filter, int qos) throws Exception {
		List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();
		MqttSubscriptionResult result = connection.subscribe(new MqttSubscription(filter, qos, (message) -> {
			received.add(message);
			message.acknowledge();
		}, "test-collector")).get(10, TimeUnit.SECONDS);
		assertThat(result.isGranted()).as("subscription to %s granted", filter).isTrue();
		return received;
	}

	static String uniqueTopic(String name) {
		return "tpl/" + UUID.randomUUID() + "/" + name;
	}

	@Override
	public void close() {
		for (int i = this.connections.size() - 1; i >= 0; i--) {
			stop(this.connections.get(i));
		}
		this.connections.clear();
	}

}
