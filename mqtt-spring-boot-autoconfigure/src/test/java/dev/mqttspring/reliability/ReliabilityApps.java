package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.UUID;

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
	 * A runner with the MQTT connection, template and health indicator, fast reconnects.
	 */
	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MqttAutoConfiguration.class, MqttHealthContributorAutoConfiguration.class))
			// pinned to Paho until the suite runs on both client libraries; on the HiveMQ client a dead
			// connection is detected after about 1.9 x keep-alive (no keep-alive watchdog probe) and a
			// slow listener holds back the others (acknowledgements in arrival order)
			.withPropertyValues("mqtt.client-library=paho", "mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=1s",
					"mqtt.connection-timeout=3s");
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
