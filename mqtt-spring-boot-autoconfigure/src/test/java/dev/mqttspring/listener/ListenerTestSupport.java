package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.paho.PahoConnections;

/**
 * Brokers, clients and context runners shared by the listener tests (and the HiveMQ
 * backend's tests).
 */
public final class ListenerTestSupport {

	public static final String MOSQUITTO_URL = "tcp://127.0.0.1:1883";

	private static EmbeddedMqttBroker embedded;

	private ListenerTestSupport() {
	}

	public static synchronized String embeddedUrl() {
		if (embedded == null) {
			EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().port(0).build();
			broker.start();
			Runtime.getRuntime().addShutdownHook(new Thread(broker::stop));
			embedded = broker;
		}
		return embedded.getUrl();
	}

	public static String url(String broker) {
		return "embedded".equals(broker) ? embeddedUrl() : MOSQUITTO_URL;
	}

	/**
	 * Every broker and protocol version combination.
	 */
	public static Stream<Arguments> brokers() {
		return Stream.of(Arguments.of("mosquitto", "5"), Arguments.of("mosquitto", "3.1.1"), Arguments.of("embedded", "5"),
				Arguments.of("embedded", "3.1.1"));
	}

	public static String prefix() {
		return "listener-it/" + UUID.randomUUID();
	}

	public static ApplicationContextRunner runner(String url, String version, String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "test.prefix=" + prefix,
					"mqtt.listener.shutdown-timeout=2s");
	}

	public static MqttConnection client(String url, String version) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of(url));
		settings.setClientId("test-client-" + UUID.randomUUID().toString().substring(0, 8));
		settings.setVersion("5".equals(version) ? MqttVersion.V5 : MqttVersion.V3_1_1);
		settings.setFailFast(true);
		MqttConnection connection = PahoConnections.create(settings);
		((SmartLifecycle) connection).start();
		return connection;
	}

	public static void close(MqttConnection connection) {
		((SmartLifecycle) connection).stop();
	}

	public static void publish(MqttConnection connection, String topic, String payload) {
		publish(connection, topic, payload, 1, MqttMessageProperties.NONE);
	}

	public static void publish(MqttConnection connection, String topic, String payload, int qos, MqttMessageProperties properties) {
		try {
			connection.publish(new MqttOutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, properties))
				.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Publishing to '" + topic + "' failed", ex);
		}
	}

	public static Duration timeout() {
		return Duration.ofSeconds(10);
	}

}
