package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.mqttspring.core.MqttTopics;

/**
 * An immutable tree of topic filters, so that finding the filters that match a topic
 * costs the number of topic levels, not the number of filters. Shared subscription
 * filters are indexed without their {@code $share/<group>/} prefix.
 *
 * @param <T> the value stored per filter
 */
final class TopicFilterIndex<T> {

	static final int CACHED_TOPICS = 1024;

	private final Node<T> root = new Node<>();

	private final Map<String, List<T>> cache = new ConcurrentHashMap<>();

	TopicFilterIndex(Map<String, T> filters) {
		filters.forEach((filter, value) -> {
			Node<T> node = this.root;
			for (String level : MqttTopics.stripShare(filter).split("/", -1)) {
				node = node.children.computeIfAbsent(level, (key) -> new Node<>());
			}
			node.values.add(value);
		});
	}

	/**
	 * Return the values of the filters that match the topic. The answers for the first
	 * {@value #CACHED_TOPICS} topics are kept (devices publish to the same topics again
	 * and again), so a repeated topic costs one hash lookup instead of a walk of the tree.
	 * @param topic the topic name
	 * @return the matching filters' values, each once (unmodifiable)
	 */
	List<T> matches(String topic) {
		List<T> cached = this.cache.get(topic);
		if (cached != null) {
			return cached;
		}
		List<T> found = new ArrayList<>(2);
		forEachMatch(topic, found::add);
		List<T> matches = List.copyOf(found);
		if (this.cache.size() < CACHED_TOPICS) {
			this.cache.put(topic, matches);
		}
		return matches;
	}

	/**
	 * Call the action with the value of every filter that matches the topic, once each.
	 */
	void forEachMatch(String topic, Consumer<T> action) {
		String[] levels = topic.split("/", -1);
		match(this.root, levels, 0, !topic.isEmpty() && topic.charAt(0) == '$', action);
	}

	private static <T> void match(Node<T> node, String[] levels, int index, boolean dollarTopic, Consumer<T> action) {
		boolean wildcardsAllowed = !(index == 0 && dollarTopic);
		Node<T> hash = wildcardsAllowed ? node.children.get("#") : null;
		if (hash != null) {
			hash.values.forEach(action);
		}
		if (index == levels.length) {
			node.values.forEach(action);
			return;
		}
		Node<T> exact = node.children.get(levels[index]);
		if (exact != null) {
			match(exact, levels, index + 1, dollarTopic, action);
		}
		if (wildcardsAllowed && !levels[index].equals("+")) {
			Node<T> plus = node.children.get("+");
			if (plus != null) {
				match(plus, levels, index + 1, dollarTopic, action);
			}
		}
	}

	private static final class Node<T> {

		final Map<String, Node<T>> children = new HashMap<>(4);

		final List<T> values = new ArrayList<>(1);

	}

}
