package dev.mqttspring.listener;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Processes the messages of a {@link MqttListenerContainer}, one at a time and in order,
 * on the container's thread. The container acknowledges the message after this method
 * returned normally, or after the error handling dealt with an exception it threw.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttMessageListener {

	/**
	 * Process a message; must not call {@link MqttInboundMessage#acknowledge()}.
	 * @param message the message
	 * @throws Exception if processing failed
	 */
	void onMessage(MqttInboundMessage message) throws Exception;

}
