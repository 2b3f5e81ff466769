package dev.mqttspring.cloud;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.listener.DefaultMqttListenerContainer;

import static org.awaitility.Awaitility.await;

/**
 * Application contexts and a listener helper shared by the cloud broker recipe tests.
 */
final class CloudRecipes {

	private CloudRecipes() {
	}

	/**
	 * A runner with the MQTT connection, template, health indicator and SSL bundles, fast
	 * reconnects, on the given client library.
	 */
	static ApplicationContextRunner runner(String library) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class,
					MqttHealthContributorAutoConfiguration.class))
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.reconnect-delay=100ms",
					"mqtt.max-reconnect-delay=1s", "mqtt.connection-timeout=3s");
	}

	static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Subscribe to the filters with QoS 1 and wait until the broker granted them.
	 */
	static DefaultMqttListenerContainer listen(MqttConnection connection, List<String> filters,
			Consumer<String> payloads) {
		DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(connection,
				unique("recipe-listener"), filters, 1, null,
				(message) -> payloads.accept(new String(message.getPayload(), StandardCharsets.UTF_8)));
		container.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> container.getSubscriptionResults().size() == filters.size()
					&& container.getSubscriptionResults().stream().allMatch((result) -> result.isGranted()));
		return container;
	}

}
