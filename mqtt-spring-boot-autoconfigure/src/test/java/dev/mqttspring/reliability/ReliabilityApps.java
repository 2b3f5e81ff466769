package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;

import static org.awaitility.Awaitility.await;

/**
 * Application contexts and small helpers shared by the reliability scenarios.
 */
final class ReliabilityApps {

	private ReliabilityApps() {
	}

	/**
	 * Every client library with every protocol version.
	 */
	static Stream<Arguments> librariesAndVersions() {
		return Stream.of("paho", "hivemq")
			.flatMap((library) -> Stream.of(Arguments.of(library, "5"), Arguments.of(library, "3.1.1")));
	}

	/**
	 * A runner with the MQTT connection, template and health indicator, fast reconnects,
	 * on the given client library (set explicitly, whatever the default is).
	 */
	static ApplicationContextRunner runner(String library) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MqttAutoConfiguration.class, MqttHealthContributorAutoConfiguration.class))
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.reconnect-delay=100ms",
					"mqtt.max-reconnect-delay=1s", "mqtt.connection-timeout=3s");
	}

	/**
	 * Return the name of a client library as the results show it.
	 */
	static String label(String library) {
		return "hivemq".equals(library) ? "HiveMQ" : "Paho";
	}

	static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static void awaitConnected(MqttConnection connection, Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(10))
				.until(() -> connection.getState() == MqttConnectionState.CONNECTED);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError("MQTT client '" + connection.getClientId() + "' did not reconnect within "
					+ timeout.toMillis() + " ms: state " + connection.getState() + " since " + connection.getStateChangedAt()
					+ ", last failure: " + connection.getLastFailure(), ex);
		}
	}

	static Duration since(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

}
