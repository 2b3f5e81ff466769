package dev.mqttspring.listener;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * The messages of one {@link DefaultMqttListenerContainer}: queued per ordering key, taken
 * in arrival order among the keys no worker holds, and acknowledged in arrival order. Not
 * thread-safe: {@link ListenerWorkers} guards it with its lock.
 * <p>
 * <b>Order.</b> A key is held by one worker from the moment it takes the key's oldest
 * message until it finished it; the next message of a free key is the oldest queued
 * message of all free keys. With one worker (or one key) this is arrival order.
 * <p>
 * <b>Acknowledgements.</b> Every message stays in {@code unsettled} (arrival order) until
 * it is acknowledged, and only a prefix of that list is ever acknowledged, so the
 * acknowledgements of one listener go out in arrival order, as MQTT asks, even when
 * messages of different keys finish out of order. A message may be acknowledged: with
 * {@link MqttAckMode#RECEIVED}, once it fits into the queue's bounds or a worker took it;
 * with {@link MqttAckMode#PROCESSED}, once it was processed (or its failure handled).
 */
final class ListenerQueue {

	/**
	 * The key of every message when the container has one worker: one queue, arrival
	 * order.
	 */
	static final Object SINGLE_KEY = new Object() {

		@Override
		public String toString() {
			return "single";
		}

	};

	private final Map<Object, KeyQueue> keys = new HashMap<>();

	/**
	 * The free keys with queued messages, oldest first message first.
	 */
	private final PriorityQueue<KeyQueue> ready = new PriorityQueue<>(
			(a, b) -> Long.compare(a.entries.getFirst().sequence, b.entries.getFirst().sequence));

	/**
	 * Every message not acknowledged yet, in arrival order.
	 */
	private final ArrayDeque<Entry> unsettled = new ArrayDeque<>();

	private int capacity = 1000;

	private long memory = DefaultMqttListenerContainer.DEFAULT_QUEUE_MEMORY;

	private boolean ackOnReceipt;

	private long sequence;

	/** Queued messages (not taken by a worker) and their bytes. */
	private int queued;

	private long queuedBytes;

	/** With RECEIVED: queued messages whose acknowledgement waits for room, and their bytes. */
	private int withheld;

	private long withheldBytes;

	private int inProgress;

	/**
	 * Set the bounds and the acknowledgement mode; called while the queue is empty.
	 */
	void configure(int capacity, long memory, boolean ackOnReceipt) {
		this.capacity = capacity;
		this.memory = memory;
		this.ackOnReceipt = ackOnReceipt;
	}

	/**
	 * Return whether a QoS 0 message of the given size has to be dropped: the queue is
	 * not empty and at a bound.
	 */
	boolean isFull(long bytes) {
		return this.queued > 0 && (this.queued >= this.capacity || this.queuedBytes + bytes > this.memory);
	}

	/**
	 * Queue a message.
	 * @param message the message
	 * @param key its ordering key
	 * @param bytes its size (payload and topic)
	 * @param toAcknowledge receives the messages that may be acknowledged now
	 * @return whether a key became ready, so that a worker is needed
	 */
	boolean add(MqttInboundMessage message, Object key, long bytes, List<MqttInboundMessage> toAcknowledge) {
		KeyQueue keyQueue = this.keys.computeIfAbsent(key, KeyQueue::new);
		Entry entry = new Entry(message, keyQueue, this.sequence++, bytes);
		keyQueue.entries.add(entry);
		this.queued++;
		this.queuedBytes += bytes;
		this.unsettled.add(entry);
		if (this.ackOnReceipt) {
			if (this.withheld == 0 && withinBounds(this.queued, this.queuedBytes)) {
				entry.acknowledgeable = true;
				settle(toAcknowledge);
			}
			else {
				entry.withheld = true;
				this.withheld++;
				this.withheldBytes += bytes;
			}
		}
		if (!keyQueue.busy && keyQueue.entries.size() == 1) {
			this.ready.add(keyQueue);
			return true;
		}
		return false;
	}

	private boolean withinBounds(int count, long bytes) {
		return count <= 1 || (count <= this.capacity && bytes <= this.memory);
	}

	/**
	 * Take the next message a worker may process and hold its key.
	 * @param toAcknowledge receives the messages that may be acknowledged now (with
	 * RECEIVED, those that fit into the queue now that the message left it)
	 * @return the message, or {@code null} when every queued message's key is held
	 */
	@Nullable Entry take(List<MqttInboundMessage> toAcknowledge) {
		KeyQueue keyQueue = this.ready.poll();
		if (keyQueue == null) {
			return null;
		}
		Entry entry = keyQueue.entries.poll();
		keyQueue.busy = true;
		this.queued--;
		this.queuedBytes -= entry.bytes;
		this.inProgress++;
		if (entry.withheld) {
			entry.withheld = false;
			this.withheld--;
			this.withheldBytes -= entry.bytes;
		}
		if (this.ackOnReceipt) {
			entry.acknowledgeable = true;
			releaseWithheld();
			settle(toAcknowledge);
		}
		return entry;
	}

	/**
	 * With RECEIVED: let the oldest withheld messages be acknowledged while the
	 * acknowledged queued messages stay within the bounds.
	 */
	private void releaseWithheld() {
		for (Entry entry : this.unsettled) {
			if (this.withheld == 0) {
				return;
			}
			if (!entry.withheld) {
				continue;
			}
			int acknowledged = this.queued - this.withheld;
			long acknowledgedBytes = this.queuedBytes - this.withheldBytes;
			if (!withinBounds(acknowledged + 1, acknowledgedBytes + entry.bytes)) {
				return;
			}
			entry.withheld = false;
			entry.acknowledgeable = true;
			this.withheld--;
			this.withheldBytes -= entry.bytes;
		}
	}

	/**
	 * Release the key of a message a worker finished.
	 * @param entry the message
	 * @param acknowledge whether it may be acknowledged (with PROCESSED: processed, or its
	 * failure handled)
	 * @param toAcknowledge receives the messages that may be acknowledged now
	 */
	void complete(Entry entry, boolean acknowledge, List<MqttInboundMessage> toAcknowledge) {
		this.inProgress--;
		KeyQueue keyQueue = entry.keyQueue;
		keyQueue.busy = false;
		if (!keyQueue.entries.isEmpty()) {
			this.ready.add(keyQueue);
		}
		else if (this.keys.get(keyQueue.key) == keyQueue) {
			this.keys.remove(keyQueue.key);
		}
		if (acknowledge) {
			entry.acknowledgeable = true;
			settle(toAcknowledge);
		}
	}

	/**
	 * Move the acknowledgeable prefix of {@code unsettled} to {@code toAcknowledge}.
	 */
	private void settle(List<MqttInboundMessage> toAcknowledge) {
		Entry first;
		while ((first = this.unsettled.peekFirst()) != null && first.acknowledgeable) {
			this.unsettled.pollFirst();
			toAcknowledge.add(first.message);
		}
	}

	/**
	 * Return the queued messages (not taken by a worker).
	 */
	int size() {
		return this.queued;
	}

	long bytes() {
		return this.queuedBytes;
	}

	/**
	 * Return the messages workers are processing.
	 */
	int inProgress() {
		return this.inProgress;
	}

	/**
	 * Return the messages not acknowledged yet (queued, in progress, or processed and
	 * waiting for an earlier one).
	 */
	int unacknowledged() {
		return this.unsettled.size();
	}

	/**
	 * Return whether a worker would find a message to take.
	 */
	boolean hasReady() {
		return !this.ready.isEmpty();
	}

	/**
	 * Forget every queued message and every acknowledgement still due (when the container
	 * gives up at the shutdown timeout); messages in progress finish without being
	 * acknowledged.
	 */
	void clear() {
		this.keys.values().forEach((keyQueue) -> keyQueue.entries.clear());
		this.keys.clear();
		this.ready.clear();
		this.unsettled.clear();
		this.queued = 0;
		this.queuedBytes = 0;
		this.withheld = 0;
		this.withheldBytes = 0;
	}

	/**
	 * A received message in the queue.
	 */
	static final class Entry {

		final MqttInboundMessage message;

		final long sequence;

		final long bytes;

		final KeyQueue keyQueue;

		boolean withheld;

		boolean acknowledgeable;

		Entry(MqttInboundMessage message, KeyQueue keyQueue, long sequence, long bytes) {
			this.message = message;
			this.keyQueue = keyQueue;
			this.sequence = sequence;
			this.bytes = bytes;
		}

	}

	private static final class KeyQueue {

		final Object key;

		final ArrayDeque<Entry> entries = new ArrayDeque<>(4);

		boolean busy;

		KeyQueue(Object key) {
			this.key = key;
		}

	}

}
