package dev.mqttspring.observation;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Observes the invocations of listener methods, for metrics and tracing: a listener
 * container calls {@link #start} on the thread that invokes the listener, right before
 * each attempt, and stops the returned {@link Handle} exactly once on the same thread
 * right after it, with the exception the listener threw or {@code null}. The current
 * observation (and trace span) is in scope between the two calls. Implementations must be
 * thread-safe, fast and must not block.
 *
 * @author mqtt-spring-boot
 */
public interface MqttListenerObserver {

	/**
	 * An observer that does nothing.
	 */
	MqttListenerObserver NOOP = (listenerId, message) -> Handle.NOOP;

	/**
	 * Called right before a listener is invoked with a message.
	 * @param listenerId the listener id
	 * @param message the message
	 * @return the handle to stop after the invocation, never {@code null}
	 */
	Handle start(String listenerId, MqttInboundMessage message);

	/**
	 * Return an observer that notifies all the given observers: started in order, stopped
	 * in reverse order. A failing observer is logged and affects neither the others nor
	 * the listener.
	 * @param observers the observers
	 * @return the composite observer
	 */
	static MqttListenerObserver composite(List<MqttListenerObserver> observers) {
		Assert.notNull(observers, "'observers' must not be null");
		if (observers.isEmpty()) {
			return NOOP;
		}
		return (observers.size() == 1) ? observers.get(0) : new CompositeMqttListenerObserver(observers);
	}

	/**
	 * The observation of one listener invocation.
	 */
	@FunctionalInterface
	interface Handle {

		/**
		 * A handle that does nothing.
		 */
		Handle NOOP = (failure) -> {
		};

		/**
		 * Called exactly once when the invocation returned or threw.
		 * @param failure the exception the listener threw, or {@code null}
		 */
		void stop(@Nullable Throwable failure);

	}

}
