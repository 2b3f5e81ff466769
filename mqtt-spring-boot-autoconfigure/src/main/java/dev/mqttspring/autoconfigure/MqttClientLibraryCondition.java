package dev.mqttspring.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code mqtt.client-library} selects a client library that is on the
 * classpath: the named one, or the HiveMQ MQTT client when the property is not set.
 * {@link Invalid} matches when the selection cannot work (an unknown value, or the
 * selected library's classes are missing), so that start-up fails with a message that
 * names the property, the allowed values and the dependency to add.
 */
abstract class MqttClientLibraryCondition extends SpringBootCondition {

	static final String PROPERTY = "mqtt.client-library";

	static final String PAHO_CLIENT = "org.eclipse.paho.mqttv5.client.MqttAsyncClient";

	static final String PAHO_V3_CLIENT = "org.eclipse.paho.client.mqttv3.MqttAsyncClient";

	static final String HIVEMQ_CLIENT = "com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient";

	static final String ALLOWED = "'hivemq' (the default, HiveMQ MQTT client) or 'paho' (Eclipse Paho)";

	static final String HIVEMQ_DEPENDENCY = "com.hivemq:hivemq-mqtt-client";

	static final String PAHO_DEPENDENCIES = "org.eclipse.paho:org.eclipse.paho.mqttv5.client and "
			+ "org.eclipse.paho:org.eclipse.paho.client.mqttv3";

	/**
	 * Return the library the property selects, {@code null} for a value that names none.
	 * @param environment the environment
	 * @return the selected library or {@code null}
	 */
	static MqttProperties.@Nullable ClientLibrary selected(PropertyResolver environment) {
		String value = environment.getProperty(PROPERTY);
		if (!StringUtils.hasText(value)) {
			return MqttProperties.ClientLibrary.HIVEMQ;
		}
		// lenient as Spring's enum binding: case, '-' and '_' do not matter
		String name = value.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
		for (MqttProperties.ClientLibrary library : MqttProperties.ClientLibrary.values()) {
			if (library.name().toLowerCase(Locale.ROOT).equals(name)) {
				return library;
			}
		}
		return null;
	}

	static boolean isPresent(MqttProperties.ClientLibrary library, @Nullable ClassLoader classLoader) {
		return switch (library) {
			case HIVEMQ -> ClassUtils.isPresent(HIVEMQ_CLIENT, classLoader);
			case PAHO -> ClassUtils.isPresent(PAHO_CLIENT, classLoader) && ClassUtils.isPresent(PAHO_V3_CLIENT, classLoader);
		};
	}

	/**
	 * Describe why the selection cannot work, or return {@code null} when it can.
	 * @param environment the environment
	 * @param classLoader the class loader of the application
	 * @return the problem or {@code null}
	 */
	static @Nullable InvalidConfigurationPropertyValueException problem(PropertyResolver environment,
			@Nullable ClassLoader classLoader) {
		String value = environment.getProperty(PROPERTY);
		MqttProperties.ClientLibrary library = selected(environment);
		if (library == null) {
			return new InvalidConfigurationPropertyValueException(PROPERTY, value, "the MQTT client library must be " + ALLOWED);
		}
		if (isPresent(library, classLoader)) {
			return null;
		}
		if (library == MqttProperties.ClientLibrary.HIVEMQ) {
			String rule = "the HiveMQ MQTT client is not on the classpath; add the dependency " + HIVEMQ_DEPENDENCY
					+ " (mqtt-spring-boot-starter brings it)";
			if (!StringUtils.hasText(value)) {
				rule = PROPERTY + " is not set, so the default 'hivemq' applies, but " + rule
						+ (isPresent(MqttProperties.ClientLibrary.PAHO, classLoader)
								? ", or set " + PROPERTY + "=paho to use Eclipse Paho" : "")
						+ "; allowed values are " + ALLOWED;
			}
			else {
				rule = rule + ", or set " + PROPERTY + "=paho and add " + PAHO_DEPENDENCIES;
			}
			return new InvalidConfigurationPropertyValueException(PROPERTY, StringUtils.hasText(value) ? value : "hivemq", rule);
		}
		return new InvalidConfigurationPropertyValueException(PROPERTY, value,
				"Eclipse Paho is not on the classpath; add the dependencies " + PAHO_DEPENDENCIES
						+ " (mqtt-spring-boot-starter no longer brings them), or remove the property to use the "
						+ "HiveMQ MQTT client");
	}

	private final MqttProperties.@Nullable ClientLibrary library;

	MqttClientLibraryCondition(MqttProperties.@Nullable ClientLibrary library) {
		this.library = library;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String value = context.getEnvironment().getProperty(PROPERTY);
		String because = StringUtils.hasText(value) ? PROPERTY + " is '" + value + "'"
				: PROPERTY + " is not set (default hivemq)";
		if (this.library == null) {
			InvalidConfigurationPropertyValueException problem = problem(context.getEnvironment(), context.getClassLoader());
			ConditionMessage.Builder message = ConditionMessage.forCondition("MQTT client library selection");
			return (problem != null) ? ConditionOutcome.match(message.because(problem.getMessage()))
					: ConditionOutcome.noMatch(message.because(because + " and the library is on the classpath"));
		}
		ConditionMessage.Builder message = ConditionMessage.forCondition("MQTT client library " + this.library);
		boolean chosen = this.library == selected(context.getEnvironment());
		if (!chosen) {
			return ConditionOutcome.noMatch(message.because(because));
		}
		if (!isPresent(this.library, context.getClassLoader())) {
			return ConditionOutcome.noMatch(message.because(because + " but its classes are missing"));
		}
		return ConditionOutcome.match(message.because(because));
	}

	/**
	 * Paho is selected and on the classpath.
	 */
	static final class Paho extends MqttClientLibraryCondition {

		Paho() {
			super(MqttProperties.ClientLibrary.PAHO);
		}

	}

	/**
	 * The HiveMQ client is selected and on the classpath.
	 */
	static final class HiveMq extends MqttClientLibraryCondition {

		HiveMq() {
			super(MqttProperties.ClientLibrary.HIVEMQ);
		}

	}

	/**
	 * The selection cannot work: an unknown value or a missing library.
	 */
	static final class Invalid extends MqttClientLibraryCondition {

		Invalid() {
			super(null);
		}

	}

}
