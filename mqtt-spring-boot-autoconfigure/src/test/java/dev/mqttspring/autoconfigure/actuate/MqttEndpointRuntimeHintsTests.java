package dev.mqttspring.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.mqttspring.actuate.MqttEndpoint;
import dev.mqttspring.actuate.MqttEndpointWebExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's {@code RuntimeHintsRegistrar} (registered in
 * {@code META-INF/spring/aot.factories}) covers the {@code mqtt} endpoint.
 */
class MqttEndpointRuntimeHintsTests {

	@Test
	void endpointOperationsAndDescriptorsHaveHints() {
		RuntimeHints hints = new RuntimeHints();
		SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttEndpoint.class, "mqtt")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttEndpoint.class, "listener")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttEndpointWebExtension.class, "changeListenerState"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MqttEndpoint.MqttDescriptor.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttEndpoint.ListenerDescriptor.class, "filters"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MqttEndpoint.SubscriptionDescriptor.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MqttEndpoint.ListenerAction.class)).accepts(hints);
	}

}
