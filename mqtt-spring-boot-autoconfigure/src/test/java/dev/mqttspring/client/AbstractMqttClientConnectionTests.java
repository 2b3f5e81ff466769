package dev.mqttspring.client;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.paho.PahoConnections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AbstractMqttClientConnection} that need no broker.
 */
class AbstractMqttClientConnectionTests {

	@Test
	void connectedUriIsTheConfiguredOne() {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setClientId("uri-test");
		settings.setServerUris(List.of("ws://127.0.0.1:8000/mqtt", "ws://localhost/mqtt"));
		AbstractMqttClientConnection<?> connection = (AbstractMqttClientConnection<?>) PahoConnections.create(settings);
		assertThat(connection.configuredUri("ws://127.0.0.1:8000")).isEqualTo("ws://127.0.0.1:8000/mqtt");
		assertThat(connection.configuredUri("ws://localhost:80")).isEqualTo("ws://localhost/mqtt");
		assertThat(connection.configuredUri("tcp://elsewhere:1883")).isEqualTo("tcp://elsewhere:1883");
	}

}
