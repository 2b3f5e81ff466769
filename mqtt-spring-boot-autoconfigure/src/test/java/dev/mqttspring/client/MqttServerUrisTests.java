package dev.mqttspring.client;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttServerUris}.
 */
class MqttServerUrisTests {

	@Test
	void portIsTheExplicitOneOrTheSchemeDefault() {
		assertThat(MqttServerUris.port(URI.create("tcp://broker"))).isEqualTo(1883);
		assertThat(MqttServerUris.port(URI.create("SSL://broker"))).isEqualTo(8883);
		assertThat(MqttServerUris.port(URI.create("ws://broker/mqtt"))).isEqualTo(80);
		assertThat(MqttServerUris.port(URI.create("wss://broker/mqtt"))).isEqualTo(443);
		assertThat(MqttServerUris.port(URI.create("wss://broker:8084/mqtt"))).isEqualTo(8084);
	}

	@Test
	void tlsAndWebSocketSchemes() {
		assertThat(MqttServerUris.isTls(URI.create("ssl://b"))).isTrue();
		assertThat(MqttServerUris.isTls(URI.create("wss://b"))).isTrue();
		assertThat(MqttServerUris.isTls(URI.create("tcp://b"))).isFalse();
		assertThat(MqttServerUris.isWebSocket(URI.create("ws://b"))).isTrue();
		assertThat(MqttServerUris.isWebSocket(URI.create("ssl://b"))).isFalse();
	}

}
