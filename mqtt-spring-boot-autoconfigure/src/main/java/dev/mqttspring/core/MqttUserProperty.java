package dev.mqttspring.core;

import org.springframework.util.Assert;

/**
 * An MQTT 5 user property: a name-value pair; a message may carry the same name several
 * times and order is kept.
 *
 * @param name the property name
 * @param value the property value
 * @author mqtt-spring-boot
 */
public record MqttUserProperty(String name, String value) {

	/**
	 * Create a new user property.
	 * @param name the property name
	 * @param value the property value
	 */
	public MqttUserProperty {
		Assert.notNull(name, "'name' must not be null");
		Assert.notNull(value, "'value' must not be null");
	}

}
