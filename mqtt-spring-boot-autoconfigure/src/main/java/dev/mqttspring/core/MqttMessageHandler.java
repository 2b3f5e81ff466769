package dev.mqttspring.core;

/**
 * Receives messages for a subscription. Called on the client's delivery thread: it must
 * return quickly and never block; work is handed to another thread and the message is
 * {@link MqttInboundMessage#acknowledge() acknowledged} when processing is done.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttMessageHandler {

	/**
	 * Handle a message.
	 * @param message the message
	 */
	void handleMessage(MqttInboundMessage message);

}
