package dev.mqttspring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code mqtt.*} property has a value the starter cannot use; the message names the
 * property, the value and what is allowed.
 *
 * @author mqtt-spring-boot
 */
public class InvalidMqttPropertyException extends IllegalStateException {

	private final String property;

	private final @Nullable Object value;

	private final String rule;

	/**
	 * Create a new instance.
	 * @param property the property name, e.g. {@code mqtt.will.qos}
	 * @param value the offending value (never a secret)
	 * @param rule what is allowed and how to fix it
	 */
	public InvalidMqttPropertyException(String property, @Nullable Object value, String rule) {
		this(property, value, rule, null);
	}

	/**
	 * Create a new instance with a cause.
	 * @param property the property name, e.g. {@code mqtt.ssl.bundle}
	 * @param value the offending value (never a secret)
	 * @param rule what is allowed and how to fix it
	 * @param cause the cause, or {@code null}
	 */
	public InvalidMqttPropertyException(String property, @Nullable Object value, String rule, @Nullable Throwable cause) {
		super("Invalid value '" + value + "' for property '" + property + "': " + rule, cause);
		this.property = property;
		this.value = value;
		this.rule = rule;
	}

	/**
	 * Return the property name.
	 * @return the property
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the offending value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return the rule and fix.
	 * @return the rule
	 */
	public String getRule() {
		return this.rule;
	}

}
