package dev.mqttspring.test.context;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedMqttContextCustomizerFactory}.
 */
class EmbeddedMqttContextCustomizerFactoryTests {

	private final EmbeddedMqttContextCustomizerFactory factory = new EmbeddedMqttContextCustomizerFactory();

	@Test
	void noAnnotation() {
		assertThat(customizer(NoAnnotation.class)).isNull();
	}

	@Test
	void sameAttributesGiveEqualCustomizersSoTheContextIsShared() {
		assertThat(customizer(Defaults.class)).isEqualTo(customizer(OtherDefaults.class))
			.hasSameHashCodeAs(customizer(OtherDefaults.class));
	}

	@Test
	void differentAttributesGiveDifferentCustomizers() {
		assertThat(customizer(Defaults.class)).isNotEqualTo(customizer(WithWebSocket.class));
	}

	@Test
	void annotationIsInherited() {
		assertThat(customizer(Inheriting.class)).isEqualTo(customizer(WithWebSocket.class));
	}

	@Test
	void servesAllNamedConnectionsOrTheListedOnes() {
		MockEnvironment environment = new MockEnvironment().withProperty("mqtt.connections.cloud.url", "tcp://cloud:1883")
			.withProperty("mqtt.connections.edge-2.client-id", "edge");
		assertThat(((EmbeddedMqttContextCustomizer) customizer(Defaults.class)).connectionNames(environment))
			.containsExactlyInAnyOrder("cloud", "edge-2");
		assertThat(((EmbeddedMqttContextCustomizer) customizer(CloudOnly.class)).connectionNames(environment))
			.containsExactly("cloud");
		assertThat(customizer(CloudOnly.class)).isNotEqualTo(customizer(Defaults.class));
	}

	private ContextCustomizer customizer(Class<?> testClass) {
		return this.factory.createContextCustomizer(testClass, List.of());
	}

	static class NoAnnotation {

	}

	@EmbeddedMqtt
	static class Defaults {

	}

	@EmbeddedMqtt
	static class OtherDefaults {

	}

	@EmbeddedMqtt(webSocketPort = 0)
	static class WithWebSocket {

	}

	@EmbeddedMqtt(connections = "cloud")
	static class CloudOnly {

	}

	static class Inheriting extends WithWebSocket {

	}

}
