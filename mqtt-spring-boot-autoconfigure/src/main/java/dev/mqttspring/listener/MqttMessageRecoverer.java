package dev.mqttspring.listener;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Deals with a message whose listener failed for good (retries exhausted, the listener's
 * own error handler did not take it), for example by publishing it to a dead-letter topic;
 * the last step of a {@link DefaultMqttContainerErrorHandler}.
 *
 * @author mqtt-spring-boot
 * @see DeadLetterPublishingMqttRecoverer
 */
@FunctionalInterface
public interface MqttMessageRecoverer {

	/**
	 * Recover a failed message; when this method returns normally the message counts as
	 * handled and is acknowledged.
	 * @param message the message as received
	 * @param exception the failure, with the listener id and topic
	 * @throws Exception when the message could not be recovered; the failure is then logged
	 */
	void recover(MqttInboundMessage message, MqttListenerExecutionFailedException exception) throws Exception;

}
