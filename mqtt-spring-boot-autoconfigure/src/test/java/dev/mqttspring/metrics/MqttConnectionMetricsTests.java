package dev.mqttspring.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttConnectionMetrics}.
 */
class MqttConnectionMetricsTests {

	@Test
	void connectedGaugeAndReconnectCounterFollowTheConnection() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		StubMqttConnection connection = new StubMqttConnection().clientId("c1");
		new MqttConnectionMetrics(connection, Tags.of("app", "demo")).bindTo(registry);
		assertThat(registry.get("mqtt.client.connected").tag("client.id", "c1").tag("app", "demo").gauge().value())
			.isEqualTo(1.0);
		assertThat(registry.get("mqtt.client.reconnects").tag("client.id", "c1").functionCounter().count()).isZero();
		connection.disconnected("lost");
		assertThat(registry.get("mqtt.client.connected").gauge().value()).isZero();
		connection.connected().reconnects(3);
		assertThat(registry.get("mqtt.client.connected").gauge().value()).isEqualTo(1.0);
		assertThat(registry.get("mqtt.client.reconnects").functionCounter().count()).isEqualTo(3.0);
	}

}
