package dev.mqttspring.autoconfigure;

import dev.mqttspring.core.MqttTemplate;

/**
 * Callback that adjusts the auto-configured {@link MqttTemplate} after the
 * {@code mqtt.template.*} properties were applied. Applied in order.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttTemplateCustomizer {

	/**
	 * Customize the template.
	 * @param template the template
	 */
	void customize(MqttTemplate template);

}
