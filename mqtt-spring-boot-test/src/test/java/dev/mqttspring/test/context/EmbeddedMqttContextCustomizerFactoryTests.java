package dev.mqttspring.test.context;

import java.util.List;

import org.junit.jupiter.api.Test;

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

	static class Inheriting extends WithWebSocket {

	}

}
