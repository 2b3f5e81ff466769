package dev.mqttspring.annotation;

import dev.mqttspring.config.MqttListenerEndpointRegistrar;

/**
 * Callback for beans that customize how {@link MqttSubscribe @MqttSubscribe} endpoints
 * are registered: another container factory, another {@code MessageHandlerMethodFactory},
 * or endpoints registered programmatically.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttListenerConfigurer {

	/**
	 * Configure the registrar before the endpoints are registered.
	 * @param registrar the registrar
	 */
	void configureMqttListeners(MqttListenerEndpointRegistrar registrar);

}
