package dev.mqttspring.docker.compose;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.mock.env.MockEnvironment;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link MqttDockerComposeConnectionDetailsFactory}, through the
 * {@code spring.factories} registration Spring Boot uses, with stubbed running services
 * (no Docker needed).
 */
class MqttDockerComposeConnectionDetailsFactoryTests {

	private final MockEnvironment environment = new MockEnvironment();

	@ParameterizedTest
	@ValueSource(strings = { "eclipse-mosquitto:2", "eclipse-mosquitto:2.0.22-openssl", "emqx/emqx:5.8.6", "emqx:5",
			"hivemq/hivemq-ce:2025.5", "docker.io/library/eclipse-mosquitto:latest" })
	void supportedImage(String image) {
		MqttConnectionDetails details = connectionDetails(TestRunningService.of(image, "127.0.0.1", 1883, 32801));
		assertThat(details).isNotNull();
		assertThat(details.getServerUris()).containsExactly("tcp://127.0.0.1:32801");
		assertThat(details.getUsername()).isNull();
		assertThat(details.getPassword()).isNull();
		assertThat(details.getSslBundle()).isNull();
	}

	@Test
	void otherImageIsNotMapped() {
		assertThat(connectionDetails(TestRunningService.of("redis:7", "127.0.0.1", 1883, 32801))).isNull();
	}

	@Test
	void customImageWithServiceConnectionLabel() {
		TestRunningService service = TestRunningService.of("registry.example.com/acme/broker:1", "localhost", 1883,
				32802, Map.of("org.springframework.boot.service-connection", "eclipse-mosquitto"));
		assertThat(connectionDetails(service).getServerUris()).containsExactly("tcp://localhost:32802");
	}

	@Test
	void ipv6HostIsBracketed() {
		assertThat(connectionDetails(TestRunningService.of("emqx/emqx:5.8.6", "::1", 1883, 32803)).getServerUris())
			.containsExactly("tcp://[::1]:32803");
	}

	@Test
	void credentialsComeFromProperties() {
		this.environment.setProperty("mqtt.username", "alice");
		this.environment.setProperty("mqtt.password", "secret");
		MqttConnectionDetails details = connectionDetails(
				TestRunningService.of("eclipse-mosquitto:2", "127.0.0.1", 1883, 32804));
		assertThat(details.getUsername()).isEqualTo("alice");
		assertThat(details.getPassword()).isEqualTo("secret");
	}

	@Test
	void serviceWithoutMqttPortFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> connectionDetails(TestRunningService.of("eclipse-mosquitto:2", "127.0.0.1", 9001, 32805)))
			.withMessageContaining("1883");
	}

	private MqttConnectionDetails connectionDetails(TestRunningService service) {
		DockerComposeConnectionSource source = service.toSource(this.environment);
		Map<Class<?>, ConnectionDetails> details = new ConnectionDetailsFactories(getClass().getClassLoader())
			.getConnectionDetails(source, false);
		return (MqttConnectionDetails) details.get(MqttConnectionDetails.class);
	}

}
