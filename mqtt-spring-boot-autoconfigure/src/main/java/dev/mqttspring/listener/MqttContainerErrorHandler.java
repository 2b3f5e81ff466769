package dev.mqttspring.listener;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * The failure policy of a listener container: what happens to a message its listener
 * threw on (retry, hand to the listener's own error handler, recover, give up). Set on a
 * container or on the container factory; auto-configuration uses a single bean of this
 * type. The default is a {@link DefaultMqttContainerErrorHandler} built from the
 * {@code mqtt.listener.retry.*} and {@code mqtt.listener.dead-letter-topic} properties.
 *
 * @author mqtt-spring-boot
 * @see DefaultMqttContainerErrorHandler
 */
@FunctionalInterface
public interface MqttContainerErrorHandler {

	/**
	 * Handle a message the listener threw on; called on the worker thread.
	 * @param message the message as received
	 * @param exception what the listener threw on its first attempt
	 * @param context the failed delivery, to retry the listener and run its own error handler
	 * @return whether the message is dealt with and may be acknowledged; {@code false}
	 * leaves it unacknowledged
	 */
	boolean handleFailure(MqttInboundMessage message, Throwable exception, Context context);

	/**
	 * A failed delivery of a message to a listener, as the container offers it to its
	 * error handler.
	 */
	interface Context {

		/**
		 * Return the id of the listener that failed.
		 * @return the listener id
		 */
		String getListenerId();

		/**
		 * Invoke the listener again with the message (observed like the first attempt).
		 * @return what the listener threw, or {@code null} when it succeeded
		 */
		@Nullable Throwable retry();

		/**
		 * Return whether the container gave up on the message (it stopped and its
		 * shutdown timeout passed): stop retrying, the message stays unacknowledged.
		 * @return whether the message is abandoned
		 */
		boolean isAbandoned();

		/**
		 * Record that the listener failed for good and describe the failure.
		 * @param exception what the listener threw on its last attempt
		 * @param attempts how many times the listener was invoked
		 * @return the failure, naming the listener, the topic and the attempts
		 */
		MqttListenerExecutionFailedException exhausted(Throwable exception, int attempts);

		/**
		 * Run the listener's own {@link MqttListenerErrorHandler} ({@code @MqttSubscribe(errorHandler = ...)}),
		 * if it has one.
		 * @param failure the failure
		 * @return {@code null} when it handled the failure, else the failure to recover
		 * (the given one, or what the error handler threw)
		 */
		@Nullable MqttListenerExecutionFailedException handleByListener(MqttListenerExecutionFailedException failure);

	}

}
