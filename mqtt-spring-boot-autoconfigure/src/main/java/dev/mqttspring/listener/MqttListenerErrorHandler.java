package dev.mqttspring.listener;

import org.springframework.messaging.Message;

/**
 * Handles an exception thrown by a listener once retries are exhausted. Name a bean of
 * this type in {@code @MqttSubscribe(errorHandler = "...")}. When the method returns
 * normally the failure counts as handled and the message is acknowledged; when it throws,
 * the message goes to the dead-letter topic if one is configured, else it is logged.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface MqttListenerErrorHandler {

	/**
	 * Handle a listener failure.
	 * @param message the message as received: the payload bytes and the
	 * {@link dev.mqttspring.support.MqttHeaders MqttHeaders}
	 * @param exception the failure, with the listener id and topic; its cause is what the
	 * listener threw
	 * @throws Exception to pass the failure on to dead-lettering or logging
	 */
	void handleError(Message<byte[]> message, MqttListenerExecutionFailedException exception) throws Exception;

}
