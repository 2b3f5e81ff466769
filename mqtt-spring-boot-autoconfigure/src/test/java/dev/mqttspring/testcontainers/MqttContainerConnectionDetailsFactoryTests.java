package dev.mqttspring.testcontainers;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.hivemq.HiveMQContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsNotFoundException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.context.ImportTestcontainers;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttContainerConnectionDetailsFactory} and
 * {@link HiveMqContainerConnectionDetailsFactory}, through Spring Boot's
 * {@code @ServiceConnection} support with containers that are never started (no Docker
 * needed).
 */
class MqttContainerConnectionDetailsFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceConnectionAutoConfiguration.class));

	@Test
	void mosquittoContainer() {
		this.runner.withUserConfiguration(MosquittoConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://127.0.0.1:32801"));
	}

	@Test
	void emqxContainer() {
		this.runner.withUserConfiguration(EmqxConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://docker.example.com:32802"));
	}

	@Test
	void emqxLibraryImageContainer() {
		this.runner.withUserConfiguration(EmqxLibraryConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://localhost:32803"));
	}

	@Test
	void hiveMqCeGenericContainer() {
		this.runner.withUserConfiguration(HiveMqGenericConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://localhost:32804"));
	}

	@Test
	void hiveMqContainerIsMappedOnceNotByBothFactories() {
		this.runner.withUserConfiguration(HiveMqContainerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionDetails.class);
			assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://localhost:32805");
		});
	}

	@Test
	void hiveMqContainerOfEnterpriseImageIsMappedByHiveMqFactory() {
		this.runner.withUserConfiguration(HiveMqEnterpriseContainerConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://localhost:32806"));
	}

	@Test
	void customImageWithConnectionName() {
		this.runner.withUserConfiguration(CustomImageConfiguration.class)
			.run((context) -> assertThat(context.getBean(MqttConnectionDetails.class).getServerUris())
				.containsExactly("tcp://localhost:32807"));
	}

	@Test
	void otherImageIsNotMapped() {
		this.runner.withUserConfiguration(OtherImageConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(ConnectionDetailsNotFoundException.class)
				.hasMessageContaining("No ConnectionDetails found"));
	}

	@Test
	void credentialsComeFromProperties() {
		this.runner.withUserConfiguration(MosquittoConfiguration.class)
			.withPropertyValues("mqtt.username=alice", "mqtt.password=secret")
			.run((context) -> {
				MqttConnectionDetails details = context.getBean(MqttConnectionDetails.class);
				assertThat(details.getUsername()).isEqualTo("alice");
				assertThat(details.getPassword()).isEqualTo("secret");
				assertThat(details.getSslBundle()).isNull();
			});
	}

	@Test
	void noCredentialsByDefault() {
		this.runner.withUserConfiguration(MosquittoConfiguration.class).run((context) -> {
			MqttConnectionDetails details = context.getBean(MqttConnectionDetails.class);
			assertThat(details.getUsername()).isNull();
			assertThat(details.getPassword()).isNull();
		});
	}

	@Test
	void ipv6HostIsBracketed() {
		assertThat(AbstractMqttContainerConnectionDetailsFactory.url("::1", 1883)).isEqualTo("tcp://[::1]:1883");
		assertThat(AbstractMqttContainerConnectionDetailsFactory.url("[::1]", 1883)).isEqualTo("tcp://[::1]:1883");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class MosquittoConfiguration {

		@ServiceConnection
		static final GenericContainer<?> mosquitto = NotStartedContainers.generic("eclipse-mosquitto:2", "127.0.0.1",
				32801);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class EmqxConfiguration {

		@ServiceConnection
		static final GenericContainer<?> emqx = NotStartedContainers.generic("emqx/emqx:5.8.6", "docker.example.com",
				32802);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class EmqxLibraryConfiguration {

		@ServiceConnection
		static final GenericContainer<?> emqx = NotStartedContainers.generic("emqx:5.8.6", "localhost", 32803);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class HiveMqGenericConfiguration {

		@ServiceConnection
		static final GenericContainer<?> hivemq = NotStartedContainers.generic("hivemq/hivemq-ce:2025.5", "localhost",
				32804);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class HiveMqContainerConfiguration {

		@ServiceConnection
		static final HiveMQContainer hivemq = NotStartedContainers.hiveMq("hivemq/hivemq-ce:2025.5", "localhost", 32805);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class HiveMqEnterpriseContainerConfiguration {

		@ServiceConnection
		static final HiveMQContainer hivemq = NotStartedContainers.hiveMq("hivemq/hivemq4:4.40.0", "localhost", 32806);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class CustomImageConfiguration {

		@ServiceConnection(name = "eclipse-mosquitto")
		static final GenericContainer<?> mosquitto = NotStartedContainers
			.generic("registry.example.com/acme/mosquitto-with-plugins:1.0", "localhost", 32807);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportTestcontainers
	static class OtherImageConfiguration {

		@ServiceConnection
		static final GenericContainer<?> redis = NotStartedContainers.generic("redis:7", "localhost", 32808);

	}

}
