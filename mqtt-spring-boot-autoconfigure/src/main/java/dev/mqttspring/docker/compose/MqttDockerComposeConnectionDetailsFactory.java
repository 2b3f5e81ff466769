package dev.mqttspring.docker.compose;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.env.Environment;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

/**
 * {@link DockerComposeConnectionDetailsFactory} to create {@link MqttConnectionDetails}
 * for an {@code eclipse-mosquitto}, {@code emqx/emqx} (or {@code emqx}) or
 * {@code hivemq/hivemq-ce} service, or for any service labelled
 * {@code org.springframework.boot.service-connection} with one of these names. The
 * service must publish the MQTT port 1883.
 *
 * @author mqtt-spring-boot
 */
class MqttDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<MqttConnectionDetails> {

	static final String[] CONNECTION_NAMES = { "eclipse-mosquitto", "emqx/emqx", "emqx", "hivemq/hivemq-ce" };

	static final int MQTT_PORT = 1883;

	MqttDockerComposeConnectionDetailsFactory() {
		super(CONNECTION_NAMES);
	}

	@Override
	protected MqttConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new MqttDockerComposeConnectionDetails(source.getRunningService(), source.getEnvironment());
	}

	/**
	 * {@link MqttConnectionDetails} backed by a {@link RunningService}. None of the
	 * supported images takes MQTT credentials from its environment, so the user name and
	 * password come from {@code mqtt.username} and {@code mqtt.password}.
	 */
	static final class MqttDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements MqttConnectionDetails {

		private final List<String> serverUris;

		private final @Nullable String username;

		private final @Nullable String password;

		MqttDockerComposeConnectionDetails(RunningService service, Environment environment) {
			super(service);
			this.serverUris = List.of(url(service.host(), service.ports().get(MQTT_PORT)));
			this.username = environment.getProperty("mqtt.username");
			this.password = environment.getProperty("mqtt.password");
		}

		@Override
		public List<String> getServerUris() {
			return this.serverUris;
		}

		@Override
		public @Nullable String getUsername() {
			return this.username;
		}

		@Override
		public @Nullable String getPassword() {
			return this.password;
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return null;
		}

		private static String url(String host, int port) {
			boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
			return "tcp://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
		}

	}

}
