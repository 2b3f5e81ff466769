package dev.mqttspring.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Observes the publishes of an {@link MqttTemplate}, for metrics and tracing: {@link #start}
 * is called on the publishing thread once a message passed validation and before it is
 * handed to the connection; the returned {@link Handle} is stopped exactly once with the
 * outcome, on the thread that completes the publish. Messages rejected by validation are
 * reported to {@link #rejected}. Implementations must be thread-safe, fast and must not
 * block.
 *
 * @author mqtt-spring-boot
 */
public interface MqttPublishObserver {

	/**
	 * Called when a validated message is about to be handed to the connection.
	 * @param message the message
	 * @return the handle to stop when the publish completes, never {@code null}
	 */
	Handle start(MqttOutboundMessage message);

	/**
	 * Called when a message was rejected by validation and nothing was sent.
	 * @param topic the topic of the message
	 * @param failure the validation failure
	 */
	default void rejected(String topic, Throwable failure) {
	}

	/**
	 * Return an observer that notifies all the given observers in order.
	 * @param observers the observers
	 * @return the composite observer
	 */
	static MqttPublishObserver composite(List<MqttPublishObserver> observers) {
		Assert.notNull(observers, "'observers' must not be null");
		return (observers.size() == 1) ? observers.get(0) : new CompositeMqttPublishObserver(observers);
	}

	/**
	 * The observation of one publish.
	 */
	@FunctionalInterface
	interface Handle {

		/**
		 * A handle that does nothing.
		 */
		Handle NOOP = (failure) -> {
		};

		/**
		 * Called exactly once when the publish completed.
		 * @param failure the failure, or {@code null} when the broker acknowledged the
		 * message
		 */
		void stop(@Nullable Throwable failure);

		/**
		 * Return the message to send instead of the one given to
		 * {@link MqttPublishObserver#start}, for example with trace context added to its
		 * MQTT 5 user properties.
		 * @return the message to send, or {@code null} to send the original
		 */
		default @Nullable MqttOutboundMessage message() {
			return null;
		}

	}

}
