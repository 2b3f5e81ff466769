package dev.mqttspring.test.context;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.embedded.EmbeddedMqttBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EmbeddedMqtt @EmbeddedMqtt} on a plain JUnit 5 test: one broker for the class,
 * injected as a parameter.
 */
@EmbeddedMqtt(maxQos = 1)
class EmbeddedMqttJUnitTests {

	private static final AtomicReference<EmbeddedMqttBroker> first = new AtomicReference<>();

	@Test
	void brokerIsRunning(EmbeddedMqttBroker broker) {
		assertThat(broker.isRunning()).isTrue();
		assertThat(broker.getPort()).isPositive();
		assertThat(broker.getWebSocketPort()).isEqualTo(EmbeddedMqttBroker.WEBSOCKET_DISABLED);
		assertSameBrokerForTheClass(broker);
	}

	@Test
	void applicationConnectsAndSeesBrokerLimits(EmbeddedMqttBroker broker) {
		assertSameBrokerForTheClass(broker);
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + broker.getUrl())
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.isConnected()).isTrue();
				assertThat(connection.getBrokerLimits().maximumQos()).isEqualTo(1);
			});
	}

	@AfterAll
	static void brokerStillRunningInAfterAll(EmbeddedMqttBroker broker) {
		assertThat(broker.isRunning()).isTrue();
	}

	private static void assertSameBrokerForTheClass(EmbeddedMqttBroker broker) {
		first.compareAndSet(null, broker);
		assertThat(broker).isSameAs(first.get());
	}

}
