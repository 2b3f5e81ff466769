package dev.mqttspring.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.actuate.MqttEndpoint;
import dev.mqttspring.actuate.MqttEndpointWebExtension;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttEndpointAutoConfiguration}.
 */
class MqttEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttEndpointAutoConfiguration.class))
		.withBean(MqttConnection.class, StubMqttConnection::new);

	@Test
	void notAvailableUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MqttEndpoint.class)
			.doesNotHaveBean(MqttEndpointWebExtension.class));
	}

	@Test
	void exposedOverTheWeb() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt")
			.run((context) -> assertThat(context).hasSingleBean(MqttEndpoint.class)
				.hasSingleBean(MqttEndpointWebExtension.class));
	}

	@Test
	void exposedOverJmxOnly() {
		this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=mqtt")
			.run((context) -> assertThat(context).hasSingleBean(MqttEndpoint.class)
				.doesNotHaveBean(MqttEndpointWebExtension.class));
	}

	@Test
	void disabledByAccessNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=mqtt", "management.endpoint.mqtt.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttEndpoint.class));
	}

	@Test
	void backsOffWithoutActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(MqttConnection.class)
				.doesNotHaveBean(MqttEndpoint.class));
	}

	@Test
	void showsTheConnectionWithoutListeners() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=mqtt").run((context) -> {
			MqttEndpoint.MqttDescriptor descriptor = context.getBean(MqttEndpoint.class).mqtt();
			assertThat(descriptor.connection().state()).isEqualTo("CONNECTED");
			assertThat(descriptor.connection().clientId()).isEqualTo("stub-client");
			assertThat(descriptor.listeners()).isEmpty();
			assertThat(context.getBean(MqttEndpoint.class).listener("nope")).isNull();
		});
	}

}
