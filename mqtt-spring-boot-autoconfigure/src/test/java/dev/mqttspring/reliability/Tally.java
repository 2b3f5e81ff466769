package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Counts deliveries of numbered messages: distinct messages, total deliveries and thus
 * duplicates.
 */
final class Tally {

	private final ConcurrentHashMap<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();

	private final AtomicLong total = new AtomicLong();

	void add(MqttInboundMessage message) {
		add(Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8)));
	}

	void add(int number) {
		this.total.incrementAndGet();
		this.counts.computeIfAbsent(number, (key) -> new AtomicInteger()).incrementAndGet();
	}

	int distinct() {
		return this.counts.size();
	}

	long total() {
		return this.total.get();
	}

	long duplicates() {
		return this.total.get() - this.counts.size();
	}

	boolean contains(int number) {
		return this.counts.containsKey(number);
	}

	int count(int number) {
		AtomicInteger count = this.counts.get(number);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return how many of the numbers {@code 0..n-1} were never received.
	 */
	long missing(int n) {
		long missing = 0;
		for (int i = 0; i < n; i++) {
			if (!this.counts.containsKey(i)) {
				missing++;
			}
		}
		return missing;
	}

}
