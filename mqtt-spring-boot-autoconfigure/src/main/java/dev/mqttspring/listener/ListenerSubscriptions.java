package dev.mqttspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttVersion;

/**
 * A container's subscriptions on the shared connection: subscribes its filters, collects
 * the broker's answers (logging refusals and downgrades), warns about what MQTT 3.1.1
 * cannot do, tells which filter a message belongs to, and unsubscribes (or detaches, to
 * keep a persistent session's subscriptions) on stop.
 */
final class ListenerSubscriptions {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private final MqttConnection connection;

	private final String listenerId;

	private final List<String> topicFilters;

	private final int qos;

	private final List<MqttSubscription> subscriptions = new ArrayList<>();

	private final Map<String, MqttSubscriptionResult> results = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile String description;

	private boolean sharedSubscriptionWarned;

	private boolean subscriptionOptionsWarned;

	ListenerSubscriptions(MqttConnection connection, String listenerId, List<String> topicFilters, int qos) {
		this.connection = connection;
		this.listenerId = listenerId;
		this.topicFilters = topicFilters;
		this.qos = qos;
		this.description = "'" + listenerId + "'";
	}

	/**
	 * Subscribe every filter (holding the container's lifecycle lock).
	 * @param description the listener, for log messages
	 * @param options the MQTT 5 subscription options
	 * @param receiver gets each message once, also where filters of the listener overlap
	 * @return the broker's answers, one per filter
	 * @throws IllegalStateException when the connection refused a subscription before
	 * sending anything; nothing stays subscribed then
	 */
	List<CompletableFuture<MqttSubscriptionResult>> subscribe(String description, MqttSubscriptionOptions options,
			Consumer<MqttInboundMessage> receiver) {
		this.description = description;
		this.results.clear();
		MqttSubscriptionOptions effective = (this.connection.getVersion() == MqttVersion.V3_1_1)
				? MqttSubscriptionOptions.DEFAULTS : options;
		List<CompletableFuture<MqttSubscriptionResult>> futures = new ArrayList<>();
		try {
			for (int i = 0; i < this.topicFilters.size(); i++) {
				int index = i;
				MqttSubscription subscription = new MqttSubscription(this.topicFilters.get(i), this.qos,
						(message) -> receive(message, index, receiver), this.listenerId, effective);
				futures.add(this.connection.subscribe(subscription).whenComplete((result, ex) -> {
					if (result != null) {
						onSubscribed(result);
					}
				}));
				this.subscriptions.add(subscription);
			}
		}
		catch (RuntimeException ex) {
			// refused before anything was sent (options that conflict with another listener's)
			this.subscriptions.forEach(this.connection::unsubscribe);
			this.subscriptions.clear();
			throw new IllegalStateException("Listener " + description + " could not subscribe: " + ex.getMessage(), ex);
		}
		return futures;
	}

	private void receive(MqttInboundMessage message, int filterIndex, Consumer<MqttInboundMessage> receiver) {
		if (filterIndex > 0 && filterIndex != firstMatchingFilter(message.getTopic())) {
			// the same message through another, overlapping filter of this listener: the broker
			// sends (MQTT 5 brokers such as mosquitto) or the connection dispatches one copy per
			// matching subscription; only the copy for the first matching filter is processed
			message.acknowledge();
			return;
		}
		receiver.accept(message);
	}

	private void onSubscribed(MqttSubscriptionResult result) {
		this.results.put(result.filter(), result);
		if (!result.isGranted()) {
			logger.error("Listener " + this.description + " receives nothing from '" + result.filter()
					+ "': the broker refused the subscription: " + result.reason());
		}
		else if (result.isDowngraded()) {
			logger.warn("Listener " + this.description + " subscribed to '" + result.filter() + "' but the broker "
					+ result.reason());
		}
	}

	/**
	 * Wait for the broker's answers.
	 * @return what went wrong (refused, downgraded, no answer), or {@code null} when
	 * interrupted
	 */
	@Nullable List<String> await(List<CompletableFuture<MqttSubscriptionResult>> futures, Duration timeout) {
		List<String> problems = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		for (int i = 0; i < futures.size(); i++) {
			String filter = this.topicFilters.get(i);
			try {
				MqttSubscriptionResult result = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (!result.isGranted() || result.isDowngraded()) {
					problems.add("the broker " + (result.isGranted() ? "granted '" + filter + "' only with " : "refused '" + filter + "': ")
							+ result.reason());
				}
			}
			catch (TimeoutException ex) {
				problems.add("the broker did not answer the subscription to '" + filter + "' within " + timeout.toMillis() + " ms");
				logger.warn("Listener " + this.description + ": the broker did not answer the subscription to '" + filter
						+ "' within " + timeout.toMillis() + " ms; messages arrive once it does");
			}
			catch (ExecutionException ex) {
				problems.add("subscribing to '" + filter + "' failed: " + ex.getCause().getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return problems;
	}

	/**
	 * Remove the subscriptions (holding the container's lifecycle lock); they are
	 * {@linkplain #release released} afterwards.
	 */
	List<MqttSubscription> removeAll() {
		List<MqttSubscription> removed = new ArrayList<>(this.subscriptions);
		this.subscriptions.clear();
		return removed;
	}

	/**
	 * Unsubscribe removed subscriptions, or detach them to keep them in a persistent
	 * session, and wait for the broker within the timeout.
	 */
	void release(List<MqttSubscription> removed, boolean keepSubscriptions, long timeoutNanos) {
		List<CompletableFuture<Void>> unsubscribed = new ArrayList<>();
		for (MqttSubscription subscription : removed) {
			unsubscribed.add(keepSubscriptions ? this.connection.detach(subscription)
					: this.connection.unsubscribe(subscription));
		}
		if (keepSubscriptions && logger.isDebugEnabled()) {
			logger.debug("Listener " + this.description + " stops; the broker keeps its subscriptions to "
					+ this.topicFilters + " in the session");
		}
		try {
			CompletableFuture.allOf(unsubscribed.toArray(new CompletableFuture[0])).get(timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Listener " + this.description + ": unsubscribe not acknowledged: " + ex);
		}
	}

	/**
	 * Return the index of the first filter the topic matches whose subscription is not
	 * refused, or -1.
	 */
	int firstMatchingFilter(String topic) {
		for (int i = 0; i < this.topicFilters.size(); i++) {
			String filter = this.topicFilters.get(i);
			MqttSubscriptionResult result = this.results.get(filter);
			if ((result == null || result.isGranted()) && MqttTopics.matches(filter, topic)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Return the broker's latest answer per filter; while running, as the connection
	 * knows it now (it subscribes again after a reconnect).
	 */
	List<MqttSubscriptionResult> getResults(boolean running) {
		Map<String, MqttSubscriptionResult> latest = new LinkedHashMap<>(this.results);
		if (running) {
			for (SubscriptionState state : this.connection.getSubscriptions()) {
				MqttSubscriptionResult result = state.result();
				if (result != null && latest.containsKey(state.filter()) && state.owners().contains(this.listenerId)) {
					latest.put(state.filter(), result);
				}
			}
		}
		return List.copyOf(latest.values());
	}

	/**
	 * Warn once about what MQTT 3.1.1 cannot do for this listener: announce shared
	 * subscription support (a broker without it grants {@code $share/...} as a literal
	 * filter and the listener never receives a message), apply subscription options.
	 */
	void warnAboutMqtt311(MqttSubscriptionOptions options) {
		if (this.connection.getVersion() != MqttVersion.V3_1_1) {
			return;
		}
		List<String> shared = this.topicFilters.stream().filter(MqttTopics::isShared).toList();
		if (!this.sharedSubscriptionWarned && !shared.isEmpty()) {
			this.sharedSubscriptionWarned = true;
			logger.warn("Listener " + this.description + " subscribes to the shared subscription(s) " + shared
					+ " over MQTT 3.1.1, which cannot announce whether the broker supports shared subscriptions. "
					+ "A broker without them (such as RabbitMQ's MQTT plugin) grants '$share/...' as a literal topic "
					+ "filter and the listener never receives a message while health is UP. Check that it receives a "
					+ "message published to '" + MqttTopics.stripShare(shared.get(0)) + "' (or use mqtt.version=5, "
					+ "where the broker announces it); without shared subscription support, remove 'group'");
		}
		if (!this.subscriptionOptionsWarned && !options.isDefault()) {
			this.subscriptionOptionsWarned = true;
			logger.warn("Listener " + this.description + " sets the MQTT 5 subscription options " + options
					+ " (@MqttSubscribe or mqtt.listener.no-local, retain-as-published, retain-handling), but the "
					+ "connection uses MQTT 3.1.1, which has no subscription options: they are ignored, so the broker "
					+ "sends this connection its own messages, clears the retain flag of forwarded messages and sends "
					+ "retained messages on every subscribe. Use mqtt.version=5 to apply them");
		}
	}

}
