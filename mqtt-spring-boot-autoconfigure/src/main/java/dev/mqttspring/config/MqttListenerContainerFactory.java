package dev.mqttspring.config;

import dev.mqttspring.listener.MqttListenerContainer;

/**
 * Creates the {@link MqttListenerContainer} of an endpoint.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttListenerContainerFactory {

	/**
	 * Create a container for the endpoint, not started.
	 * @param endpoint the endpoint
	 * @return the container
	 */
	MqttListenerContainer createListenerContainer(MqttListenerEndpoint endpoint);

}
