package dev.mqttspring.autoconfigure;

import dev.mqttspring.core.MqttConnectionSettings;

/**
 * Callback that adjusts the {@link MqttConnectionSettings} after they were filled from
 * {@code mqtt.*} properties and before the connection is created. Applied in order.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttConnectionCustomizer {

	/**
	 * Customize the settings.
	 * @param settings the settings
	 */
	void customize(MqttConnectionSettings settings);

}
