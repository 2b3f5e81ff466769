package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order and acknowledgements of {@link ListenerQueue}: messages of different keys are
 * taken in parallel, of one key one at a time in arrival order, and acknowledgements go
 * out in arrival order even when messages finish out of order.
 */
class ListenerQueueTests {

	private final List<String> acknowledged = new ArrayList<>();

	private final ListenerQueue queue = new ListenerQueue();

	@Test
	void takesTheOldestMessageOfAFreeKey() {
		this.queue.configure(100, 1_000_000, false);
		List<MqttInboundMessage> ignored = new ArrayList<>();
		add("a1", "a");
		add("a2", "a");
		add("b1", "b");
		ListenerQueue.Entry first = this.queue.take(ignored);
		ListenerQueue.Entry second = this.queue.take(ignored);
		assertThat(topic(first)).isEqualTo("a1");
		// a is held by the first worker: the second gets b1, not a2
		assertThat(topic(second)).isEqualTo("b1");
		assertThat(this.queue.take(ignored)).isNull();
		assertThat(this.queue.inProgress()).isEqualTo(2);
		assertThat(this.queue.size()).isEqualTo(1);
		this.queue.complete(first, true, ignored);
		assertThat(topic(this.queue.take(ignored))).isEqualTo("a2");
	}

	@Test
	void withOneKeyKeepsArrivalOrderAcrossTopics() {
		this.queue.configure(100, 1_000_000, false);
		List<MqttInboundMessage> ignored = new ArrayList<>();
		for (String topic : List.of("x1", "y1", "x2", "z1", "y2")) {
			add(topic, ListenerQueue.SINGLE_KEY);
		}
		List<String> order = new ArrayList<>();
		ListenerQueue.Entry entry;
		while ((entry = this.queue.take(ignored)) != null) {
			order.add(topic(entry));
			assertThat(this.queue.take(ignored)).isNull();
			this.queue.complete(entry, true, ignored);
		}
		assertThat(order).containsExactly("x1", "y1", "x2", "z1", "y2");
	}

	@Test
	void acknowledgesAfterProcessingInArrivalOrder() {
		this.queue.configure(100, 1_000_000, false);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		add("a1", "a");
		add("b1", "b");
		add("c1", "c");
		assertThat(toAcknowledge).isEmpty();
		ListenerQueue.Entry a1 = this.queue.take(toAcknowledge);
		ListenerQueue.Entry b1 = this.queue.take(toAcknowledge);
		ListenerQueue.Entry c1 = this.queue.take(toAcknowledge);
		assertThat(toAcknowledge).isEmpty();
		this.queue.complete(c1, true, toAcknowledge);
		this.queue.complete(b1, true, toAcknowledge);
		// b1 and c1 are done, but a1 arrived first and is still in progress
		assertThat(toAcknowledge).isEmpty();
		assertThat(this.queue.unacknowledged()).isEqualTo(3);
		this.queue.complete(a1, true, toAcknowledge);
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("a1", "b1", "c1");
		assertThat(this.queue.unacknowledged()).isZero();
	}

	@Test
	void acknowledgesOnReceiptWithinTheBoundsAndReleasesWithheldInArrivalOrder() {
		this.queue.configure(2, 1_000_000, true);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		this.queue.add(message("a1"), "a", 2, toAcknowledge);
		this.queue.add(message("a2"), "a", 2, toAcknowledge);
		this.queue.add(message("a3"), "a", 2, toAcknowledge);
		this.queue.add(message("b1"), "b", 2, toAcknowledge);
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("a1", "a2");
		toAcknowledge.clear();
		// the first worker takes a1: one place in the queue, a3 is acknowledged
		ListenerQueue.Entry a1 = this.queue.take(toAcknowledge);
		assertThat(topic(a1)).isEqualTo("a1");
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("a3");
		toAcknowledge.clear();
		// the second takes b1 (a is held): b1 is in progress, so it is acknowledged too
		ListenerQueue.Entry b1 = this.queue.take(toAcknowledge);
		assertThat(topic(b1)).isEqualTo("b1");
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("b1");
	}

	@Test
	void takenWithheldMessageWaitsForTheEarlierOnesAcknowledgement() {
		this.queue.configure(1, 1_000_000, true);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		this.queue.add(message("a1"), "a", 2, toAcknowledge);
		this.queue.add(message("a2"), "a", 2, toAcknowledge);
		this.queue.add(message("b1"), "b", 2, toAcknowledge);
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("a1");
		toAcknowledge.clear();
		this.queue.take(toAcknowledge);
		// a1 left the queue: a2 fits, b1 (still withheld) does not
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("a2");
		toAcknowledge.clear();
		ListenerQueue.Entry b1 = this.queue.take(toAcknowledge);
		assertThat(topic(b1)).isEqualTo("b1");
		assertThat(toAcknowledge).extracting(MqttInboundMessage::getTopic).containsExactly("b1");
	}

	@Test
	void clearForgetsQueuedMessagesAndTheirKeys() {
		this.queue.configure(100, 1_000_000, false);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		add("a1", "a");
		add("a2", "a");
		ListenerQueue.Entry a1 = this.queue.take(toAcknowledge);
		this.queue.clear();
		add("a3", "a");
		this.queue.complete(a1, false, toAcknowledge);
		assertThat(toAcknowledge).isEmpty();
		assertThat(topic(this.queue.take(toAcknowledge))).isEqualTo("a3");
		assertThat(this.queue.take(toAcknowledge)).isNull();
	}

	private void add(String topic, Object key) {
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		this.queue.add(message(topic), key, 10, toAcknowledge);
		toAcknowledge.forEach(MqttInboundMessage::acknowledge);
	}

	private MqttInboundMessage message(String topic) {
		return new MqttInboundMessage(topic, "x".getBytes(StandardCharsets.UTF_8), 1, false, false, 1,
				MqttMessageProperties.NONE, () -> this.acknowledged.add(topic));
	}

	private static String topic(ListenerQueue.Entry entry) {
		return entry.message.getTopic();
	}

}
