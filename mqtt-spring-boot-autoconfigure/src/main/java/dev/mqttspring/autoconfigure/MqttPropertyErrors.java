package dev.mqttspring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds Spring Boot's {@link InvalidConfigurationPropertyValueException} for a {@code mqtt.*}
 * value the starter cannot use, so that Boot's failure analysis reports it with the value's origin.
 */
final class MqttPropertyErrors {

	private MqttPropertyErrors() {
	}

	/**
	 * An invalid value with the exception that revealed it.
	 * @param property the property name, e.g. {@code mqtt.ssl.bundle}
	 * @param value the offending value (never a secret)
	 * @param reason what is allowed and how to fix it
	 * @param cause the cause, or {@code null}
	 * @return the exception to throw
	 */
	static InvalidConfigurationPropertyValueException invalid(String property, @Nullable Object value, String reason,
			@Nullable Throwable cause) {
		InvalidConfigurationPropertyValueException ex = new InvalidConfigurationPropertyValueException(property, value,
				reason);
		if (cause != null) {
			ex.initCause(cause);
		}
		return ex;
	}

}
