package dev.mqttspring.listener;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttSubscriptionResult;

/**
 * The runtime of one listener: its subscriptions on the shared connection, a bounded
 * queue of received messages and the workers that process them (one by default, in
 * order; with a concurrency above 1, in order per ordering key). Started and
 * stopped by the {@code MqttListenerEndpointRegistry}; {@link #stop()} unsubscribes and
 * lets in-flight work finish within the shutdown timeout, {@link #start()} subscribes
 * again. When the application shuts down, the registry calls {@link #shutdown(Runnable)}
 * instead, which keeps the subscriptions of a persistent session in the broker.
 *
 * @author mqtt-spring-boot
 */
public interface MqttListenerContainer extends SmartLifecycle {

	/**
	 * Return the listener id.
	 * @return the id
	 */
	String getListenerId();

	/**
	 * Return the topic filters as subscribed (wildcards in place of topic variables, with
	 * the {@code $share/<group>/} prefix of a shared subscription).
	 * @return the filters
	 */
	List<String> getTopicFilters();

	/**
	 * Return the requested QoS.
	 * @return the QoS
	 */
	int getQos();

	/**
	 * Return the shared subscription group.
	 * @return the group, or {@code null}
	 */
	@Nullable String getGroup();

	/**
	 * Stop consuming because the application shuts down. Like {@link #stop(Runnable)}, but
	 * when the broker keeps the session after the connection closes
	 * ({@code MqttConnection#isSessionPersistent()}), no UNSUBSCRIBE is sent: the broker
	 * keeps the subscriptions and queues what is published while the application is down,
	 * and messages that arrive before the connection closes stay unacknowledged, so they
	 * are delivered when the application connects again with the same client id.
	 * <p>
	 * The default implementation calls {@link #stop(Runnable)}.
	 * @param callback run when the container stopped
	 */
	default void shutdown(Runnable callback) {
		stop(callback);
	}

	/**
	 * Return the broker's latest answer for each of the filters subscribed while running:
	 * granted (possibly with a lower QoS than requested) or refused with a reason.
	 * Filters the broker has not answered yet are missing.
	 * @return the results
	 */
	List<MqttSubscriptionResult> getSubscriptionResults();

	/**
	 * Return whether the broker refused a filter, or granted a lower QoS than requested.
	 * @return whether a subscription is refused or downgraded
	 */
	default boolean hasRefusedSubscriptions() {
		return getSubscriptionResults().stream().anyMatch((result) -> !result.isGranted() || result.isDowngraded());
	}

	/**
	 * Return how many messages were received.
	 * @return the count
	 */
	long getReceivedCount();

	/**
	 * Return how many messages the listener processed successfully.
	 * @return the count
	 */
	long getProcessedCount();

	/**
	 * Return how many messages failed after all attempts.
	 * @return the count
	 */
	long getFailedCount();

	/**
	 * Return how many failed messages were republished to the dead-letter topic.
	 * @return the count
	 */
	long getDeadLetteredCount();

	/**
	 * Return how many received messages wait to be processed (not counting those in
	 * progress). Above the queue capacity, acknowledgements are withheld.
	 * @return the number of waiting messages
	 */
	int getQueueSize();

	/**
	 * Return how many messages the listener may process at the same time.
	 * @return the concurrency, 1 when messages are processed one at a time
	 */
	default int getConcurrency() {
		return 1;
	}

	/**
	 * Return how many messages the listener is processing now (its active workers).
	 * @return the number of messages in progress
	 */
	default int getActiveCount() {
		return 0;
	}

	/**
	 * Return how many QoS 0 messages this listener dropped because its queue was full
	 * ({@code mqtt.listener.queue-capacity} or {@code mqtt.listener.queue-memory}).
	 * @return the count
	 */
	default long getDroppedCount() {
		return 0;
	}

	/**
	 * Return how many messages for this listener the connection dropped because they
	 * were larger than {@code mqtt.max-inbound-packet-size}.
	 * @return the count
	 */
	default long getTooLargeCount() {
		return 0;
	}

}
