package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;

/**
 * The connection's subscriptions by filter: one MQTT subscription per filter however many
 * listeners share it, its subscription identifier, what the broker granted or refused, and
 * whether the session still holds it. Filters of detached subscriptions (a listener stopped
 * while the broker keeps its subscription) stay without listeners. Answers which
 * subscriptions an incoming message is for.
 * <p>
 * Changes are not thread-safe (the connection makes them under its lock); the lookups for
 * incoming messages read a snapshot and need no lock.
 */
public final class SubscriptionRegistry {

	private final Map<String, Entry> filters = new LinkedHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	private volatile TopicFilterIndex<Entry> index = new TopicFilterIndex<>(Map.of());

	private volatile Map<Integer, Entry> byId = Collections.emptyMap();

	/**
	 * Whether a filter is detached: registered without subscriptions, its messages are held
	 * unacknowledged.
	 */
	private volatile boolean anyDetached;

	/**
	 * The number of pairs of registered filters that some topic matches both of.
	 */
	private int overlappingPairs;

	/**
	 * Whether two registered filters can match the same topic: only then can one message
	 * arrive once per matching subscription and need its subscription identifiers to be
	 * told apart. Without overlap a message matches one filter at most.
	 */
	private volatile boolean overlapping;

	/**
	 * Add a subscription; a filter's first one gets the next subscription identifier.
	 * @param subscription the subscription
	 * @param clientId the client id, for the error message
	 * @return the filter's entry
	 * @throws IllegalArgumentException if another subscription to the filter has other
	 * subscription options
	 */
	public Entry add(MqttSubscription subscription, String clientId) {
		Entry entry = this.filters.get(subscription.getFilter());
		if (entry != null && !entry.subscriptions.isEmpty()
				&& !entry.subscriptions.get(0).getOptions().equals(subscription.getOptions())) {
			MqttSubscription other = entry.subscriptions.get(0);
			throw new IllegalArgumentException(subscription.getOwner() + " subscribes to '" + subscription.getFilter()
					+ "' with the subscription options " + subscription.getOptions() + ", but " + other.getOwner()
					+ " subscribes to the same filter with " + other.getOptions() + " on the same connection '" + clientId
					+ "'. MQTT keeps one subscription per filter and connection, so they cannot "
					+ "differ: give both the same noLocal, retainAsPublished and retainHandling, or subscribe one "
					+ "through another connection (mqtt.connections.<name>)");
		}
		if (entry == null) {
			entry = new Entry(subscription.getFilter(), this.ids.incrementAndGet());
			this.overlappingPairs += overlapsWith(entry);
			this.filters.put(subscription.getFilter(), entry);
		}
		int previousQos = entry.requestedQos();
		entry.subscriptions.add(subscription);
		entry.qosRaised = entry.requestedQos() > previousQos;
		rebuild();
		return entry;
	}

	/**
	 * Remove a subscription.
	 * @param subscription the subscription
	 * @return the filter's entry if it was its last subscription (the filter is gone and
	 * the broker's subscription may be ended), else {@code null}
	 */
	public @Nullable Entry remove(MqttSubscription subscription) {
		Entry entry = this.filters.get(subscription.getFilter());
		if (entry == null || !entry.subscriptions.remove(subscription)) {
			return null;
		}
		boolean last = entry.subscriptions.isEmpty();
		if (last) {
			this.filters.remove(entry.filter);
			this.overlappingPairs -= overlapsWith(entry);
		}
		rebuild();
		return last ? entry : null;
	}

	/**
	 * Detach a subscription: its listener is gone, but the broker keeps the filter in the
	 * session, and messages for it are held.
	 * @param subscription the subscription
	 * @return whether the filter is left without subscriptions
	 */
	public boolean detach(MqttSubscription subscription) {
		Entry entry = this.filters.get(subscription.getFilter());
		if (entry == null || !entry.subscriptions.remove(subscription)) {
			return false;
		}
		// an entry without subscriptions stays: the broker keeps the filter in the session
		rebuild();
		return entry.subscriptions.isEmpty();
	}

	/**
	 * Forget the filters of detached subscriptions (the broker no longer has them).
	 */
	public void dropDetached() {
		if (this.filters.values().removeIf((entry) -> entry.subscriptions.isEmpty())) {
			int pairs = 0;
			List<Entry> entries = new ArrayList<>(this.filters.values());
			for (int i = 0; i < entries.size(); i++) {
				for (int j = i + 1; j < entries.size(); j++) {
					pairs += overlap(entries.get(i).levels, entries.get(j).levels) ? 1 : 0;
				}
			}
			this.overlappingPairs = pairs;
			rebuild();
		}
	}

	/**
	 * Return the filters to subscribe on a new connection: all of them without a session,
	 * else those the session does not hold; forgets detached filters without a session.
	 * @param sessionPresent whether the broker kept the session
	 * @return the entries to subscribe
	 */
	public List<Entry> toSubscribe(boolean sessionPresent) {
		if (!sessionPresent) {
			dropDetached();
		}
		List<Entry> result = new ArrayList<>();
		for (Entry entry : this.filters.values()) {
			if (!sessionPresent || !entry.subscribedInSession) {
				entry.subscribedInSession = false;
				result.add(entry);
			}
		}
		return result;
	}

	/**
	 * Record the broker's answer to a SUBSCRIBE.
	 * @param entry the filter's entry
	 * @param result the answer
	 * @return the futures that waited for it
	 */
	public List<CompletableFuture<MqttSubscriptionResult>> subscribed(Entry entry, MqttSubscriptionResult result) {
		entry.result = result;
		entry.subscribedInSession = result.isGranted();
		List<CompletableFuture<MqttSubscriptionResult>> waiting = new ArrayList<>(entry.waiting);
		entry.waiting.clear();
		return waiting;
	}

	/**
	 * Return the state of every filter that has subscriptions.
	 * @return the states, in the order the filters were added
	 */
	public List<SubscriptionState> states() {
		List<SubscriptionState> states = new ArrayList<>();
		for (Entry entry : this.filters.values()) {
			if (!entry.subscriptions.isEmpty()) {
				states.add(new SubscriptionState(entry.filter, entry.requestedQos(), entry.owners(), entry.result));
			}
		}
		return states;
	}

	/**
	 * Return the subscriptions a message is for: those of its subscription identifiers
	 * whose filters match its topic, else those of every matching filter.
	 * @param topic the message's topic
	 * @param ids the message's subscription identifiers
	 * @return the subscriptions, empty if none
	 */
	public List<MqttSubscription> targets(String topic, List<Integer> ids) {
		List<MqttSubscription> targets = new ArrayList<>(2);
		// without overlapping filters the topic names the one subscription: a cached lookup
		// instead of matching the identified filter against the topic again
		if (!ids.isEmpty() && this.overlapping) {
			Map<Integer, Entry> entries = this.byId;
			for (Integer id : ids) {
				Entry entry = entries.get(id);
				if (entry != null && MqttTopics.matches(entry.filter, topic)) {
					Collections.addAll(targets, entry.handlers);
				}
			}
			if (!targets.isEmpty()) {
				return targets;
			}
		}
		for (Entry entry : this.index.matches(topic)) {
			Collections.addAll(targets, entry.handlers);
		}
		return targets;
	}

	/**
	 * Return the owners of the subscriptions whose filters match a topic.
	 * @param topic the topic
	 * @return the owners
	 */
	public List<String> owners(String topic) {
		List<String> owners = new ArrayList<>(2);
		for (Entry entry : this.index.matches(topic)) {
			for (MqttSubscription subscription : entry.handlers) {
				owners.add(subscription.getOwner());
			}
		}
		return owners;
	}

	/**
	 * Whether a detached filter matches the topic: the message is held for the detached
	 * subscription, and for every other matching one too, because one acknowledgement
	 * settles the message for all of them.
	 * @param topic the topic
	 * @return whether one matches
	 */
	public boolean matchesDetached(String topic) {
		if (!this.anyDetached) {
			return false;
		}
		for (Entry entry : this.index.matches(topic)) {
			if (entry.handlers.length == 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether two registered filters (detached ones included) can match the same topic. A
	 * client library that must work to read the subscription identifiers of a message
	 * needs them only then: otherwise the topic tells the one filter it was sent for
	 * ({@link #soleMatch(String)}).
	 * @return whether filters overlap
	 */
	public boolean mayOverlap() {
		return this.overlapping;
	}

	/**
	 * Return the filter that a topic matches, when no two registered filters overlap.
	 * @param topic the topic
	 * @return the entry of the only matching filter, {@code null} when none or several
	 * match
	 */
	public @Nullable Entry soleMatch(String topic) {
		List<Entry> matches = this.index.matches(topic);
		return (matches.size() == 1) ? matches.get(0) : null;
	}

	/**
	 * Return whether some topic name matches both filters; a shared subscription is
	 * compared without its {@code $share/<group>/} prefix.
	 * @param first a filter
	 * @param second another filter
	 * @return whether they overlap
	 */
	public static boolean overlap(String first, String second) {
		return overlap(levels(first), levels(second));
	}

	private static String[] levels(String filter) {
		return MqttTopics.stripShare(filter).split("/", -1);
	}

	private static boolean overlap(String[] a, String[] b) {
		if (startsWithWildcard(a) != startsWithWildcard(b) && (a[0].startsWith("$") || b[0].startsWith("$"))) {
			// topics starting with '$' do not match filters starting with a wildcard
			return false;
		}
		int common = Math.min(a.length, b.length);
		for (int i = 0; i < common; i++) {
			if (a[i].equals("#") || b[i].equals("#")) {
				return true;
			}
			if (!a[i].equals("+") && !b[i].equals("+") && !a[i].equals(b[i])) {
				return false;
			}
		}
		// 'a/#' also matches 'a'
		return a.length == b.length || (a.length > common && a[common].equals("#"))
				|| (b.length > common && b[common].equals("#"));
	}

	private static boolean startsWithWildcard(String[] levels) {
		return levels[0].equals("+") || levels[0].equals("#");
	}

	// the number of registered filters other than the entry's that overlap it
	private int overlapsWith(Entry entry) {
		int count = 0;
		for (Entry other : this.filters.values()) {
			if (other != entry && overlap(entry.levels, other.levels)) {
				count++;
			}
		}
		return count;
	}

	private void rebuild() {
		Map<Integer, Entry> entries = new HashMap<>();
		boolean detached = false;
		for (Entry entry : this.filters.values()) {
			entry.handlers = entry.subscriptions.toArray(new MqttSubscription[0]);
			entries.put(entry.id, entry);
			detached |= entry.handlers.length == 0;
		}
		this.index = new TopicFilterIndex<>(this.filters);
		this.byId = entries;
		this.anyDetached = detached;
		this.overlapping = this.overlappingPairs > 0;
	}

	/**
	 * One filter: its subscriptions, identifier and broker state.
	 */
	public static final class Entry {

		private final String filter;

		private final int id;

		private final String[] levels;

		private final List<MqttSubscription> subscriptions = new ArrayList<>(1);

		private final List<CompletableFuture<MqttSubscriptionResult>> waiting = new ArrayList<>(1);

		private volatile MqttSubscription[] handlers = new MqttSubscription[0];

		private boolean subscribedInSession;

		private boolean qosRaised;

		private MqttSubscriptionOptions lastOptions = MqttSubscriptionOptions.DEFAULTS;

		private @Nullable MqttSubscriptionResult result;

		Entry(String filter, int id) {
			this.filter = filter;
			this.id = id;
			this.levels = levels(filter);
		}

		public String filter() {
			return this.filter;
		}

		/**
		 * Return the subscription identifier.
		 * @return the identifier, from 1
		 */
		public int id() {
			return this.id;
		}

		/**
		 * Return the highest QoS of the filter's subscriptions.
		 * @return the QoS, -1 without subscriptions
		 */
		public int requestedQos() {
			int qos = -1;
			for (MqttSubscription subscription : this.subscriptions) {
				qos = Math.max(qos, subscription.getQos());
			}
			return qos;
		}

		public List<String> owners() {
			return this.subscriptions.stream().map(MqttSubscription::getOwner).toList();
		}

		/**
		 * The options of the filter's subscriptions (all equal, see {@link #add}); those of
		 * the last one when a detached subscription is subscribed again.
		 * @return the options
		 */
		public MqttSubscriptionOptions options() {
			if (!this.subscriptions.isEmpty()) {
				this.lastOptions = this.subscriptions.get(0).getOptions();
			}
			return this.lastOptions;
		}

		/**
		 * Whether the broker's session holds the subscription (granted on this or an
		 * earlier connection of the session).
		 * @return whether it does
		 */
		public boolean isSubscribedInSession() {
			return this.subscribedInSession;
		}

		/**
		 * Return the answer the broker gave, if any.
		 * @return the result or {@code null}
		 */
		public @Nullable MqttSubscriptionResult result() {
			return this.result;
		}

		/**
		 * Return the broker's earlier answer if a subscription just added needs no new
		 * SUBSCRIBE (the session holds the filter and the QoS did not rise); else register
		 * the future to complete with the next answer.
		 * @param future the future of the subscription just added
		 * @return the earlier answer or {@code null}
		 */
		public @Nullable MqttSubscriptionResult resultOrWait(CompletableFuture<MqttSubscriptionResult> future) {
			if (this.subscribedInSession && !this.qosRaised && this.result != null) {
				return this.result;
			}
			this.waiting.add(future);
			return null;
		}

	}

}
