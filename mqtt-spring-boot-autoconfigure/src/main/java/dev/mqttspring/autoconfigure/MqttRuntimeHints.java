package dev.mqttspring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * Runtime hints for what the starter reflects on outside of {@code @MqttSubscribe}
 * methods: the {@code mqtt.*} configuration properties (bound through their setters, with
 * the nested classes and enums), and the {@code mqtt} Actuator endpoint (its operations and
 * the descriptors it serializes to JSON) when the Actuator is on the classpath.
 *
 * @author mqtt-spring-boot
 */
class MqttRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ENDPOINT = "dev.mqttspring.actuate.MqttEndpoint";

	private static final String WEB_EXTENSION = "dev.mqttspring.actuate.MqttEndpointWebExtension";

	private static final String[] ENDPOINT_TYPES = { ENDPOINT + "$MqttDescriptor", ENDPOINT + "$ConnectionDescriptor",
			ENDPOINT + "$ListenerDescriptor", ENDPOINT + "$SubscriptionDescriptor", ENDPOINT + "$ListenerAction",
			ENDPOINT + "$NamedConnectionDescriptor" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(MqttProperties.class).registerHints(hints, classLoader);
		if (ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", classLoader)) {
			for (String endpointClass : new String[] { ENDPOINT, WEB_EXTENSION }) {
				hints.reflection()
					.registerType(ClassUtils.resolveClassName(endpointClass, classLoader),
							MemberCategory.INVOKE_PUBLIC_METHODS);
			}
			BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
			for (String type : ENDPOINT_TYPES) {
				binding.registerReflectionHints(hints.reflection(), ClassUtils.resolveClassName(type, classLoader));
			}
		}
	}

}
