package dev.mqttspring.actuate;

import org.junit.jupiter.api.Test;

import dev.mqttspring.actuate.MqttEndpoint.ConnectionDescriptor;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttEndpoint}'s connection part.
 */
class MqttEndpointTests {

	@Test
	void brokerLimitsAreThoseOfTheConnackWhileConnected() {
		StubMqttConnection connection = new StubMqttConnection().connected().limits(MqttBrokerLimits.MQTT_3_1_1);
		ConnectionDescriptor descriptor = new MqttEndpoint(connection, null).mqtt().connection();
		assertThat(descriptor.state()).isEqualTo("CONNECTED");
		assertThat(descriptor.brokerLimits()).isEqualTo(MqttBrokerLimits.MQTT_3_1_1);
	}

	@Test
	void noBrokerLimitsWhileNoBrokerAnnouncedAny() {
		StubMqttConnection connection = new StubMqttConnection().disconnected("connection refused")
			.limits(MqttBrokerLimits.UNRESTRICTED);
		ConnectionDescriptor descriptor = new MqttEndpoint(connection, null).mqtt().connection();
		assertThat(descriptor.state()).isEqualTo("DISCONNECTED");
		assertThat(descriptor.lastFailure()).isEqualTo("connection refused");
		assertThat(descriptor.brokerLimits()).isNull();
	}

}
