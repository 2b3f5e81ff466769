package dev.mqttspring.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.paho.PahoConnections;

/**
 * Connections on either client library with the short timeouts of the broker fault tests.
 */
final class LibraryConnections {

	private LibraryConnections() {
	}

	/**
	 * Create (not start) a connection.
	 * @param library {@code hivemq} or {@code paho}
	 * @param url the broker URL
	 * @param clientId the client id
	 * @param customizer changes to the settings
	 * @return the connection
	 */
	static MqttConnection create(String library, String url, String clientId, Consumer<MqttConnectionSettings> customizer) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of(url));
		settings.setClientId(clientId);
		settings.setConnectionTimeout(Duration.ofSeconds(5));
		settings.setReconnectMinDelay(Duration.ofMillis(100));
		settings.setReconnectMaxDelay(Duration.ofMillis(500));
		settings.setFailFast(true);
		customizer.accept(settings);
		Function<MqttConnectionSettings, MqttConnection> factory = "hivemq".equals(library) ? HiveMqConnections::create
				: PahoConnections::create;
		return factory.apply(settings);
	}

}
