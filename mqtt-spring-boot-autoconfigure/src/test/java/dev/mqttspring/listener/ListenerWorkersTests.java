package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ListenerWorkers}: order per key, parallel keys, acknowledgements in
 * arrival order, drops beyond the bounds, and the drain on stop.
 */
class ListenerWorkersTests {

	private final List<String> processed = new CopyOnWriteArrayList<>();

	private final List<String> acknowledged = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@Test
	void processesInArrivalOrderAndAcknowledgesAfterProcessing() {
		ListenerWorkers workers = new ListenerWorkers("orders", this::record, () -> true);
		workers.configure("'orders'", 100, 1_000_000, false, 1, null, null);
		for (int i = 0; i < 5; i++) {
			workers.offer(message("orders/" + i, 1));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.acknowledged.size() == 5);
		assertThat(this.processed).containsExactly("orders/0", "orders/1", "orders/2", "orders/3", "orders/4");
		assertThat(this.acknowledged).containsExactlyElementsOf(this.processed);
		assertThat(workers.getReceivedCount()).isEqualTo(5);
	}

	@Test
	void processesKeysInParallelAndAcknowledgesInArrivalOrder() {
		AtomicInteger active = new AtomicInteger();
		ListenerWorkers workers = new ListenerWorkers("orders", (message) -> {
			active.incrementAndGet();
			if (message.getTopic().equals("slow")) {
				block(this.release);
			}
			return record(message);
		}, () -> true);
		workers.configure("'orders'", 100, 1_000_000, false, 2, null, null);
		workers.offer(message("slow", 1));
		workers.offer(message("fast", 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.processed.contains("fast"));
		assertThat(workers.getActiveCount()).isOne();
		assertThat(this.acknowledged).isEmpty();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.acknowledged.size() == 2);
		assertThat(this.acknowledged).containsExactly("slow", "fast");
	}

	@Test
	void dropsQos0BeyondTheCapacityAndAcknowledgesItsSlot() {
		ListenerWorkers workers = new ListenerWorkers("orders", (message) -> {
			block(this.release);
			return record(message);
		}, () -> true);
		workers.configure("'orders'", 1, 1_000_000, false, 1, null, null);
		workers.offer(message("a", 0));
		await().atMost(Duration.ofSeconds(10)).until(() -> workers.getActiveCount() == 1);
		workers.offer(message("b", 0));
		workers.offer(message("c", 0));
		assertThat(workers.getQueueSize()).isOne();
		assertThat(workers.getDroppedCount()).isOne();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.processed.size() == 2);
		assertThat(this.processed).containsExactly("a", "b");
	}

	@Test
	void drainAbandonsWhatIsLeftAfterTheDeadline() {
		ListenerWorkers workers = new ListenerWorkers("orders", (message) -> {
			block(this.release);
			return record(message);
		}, () -> false);
		workers.configure("'orders'", 100, 1_000_000, false, 1, null, null);
		workers.offer(message("a", 1));
		workers.offer(message("b", 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> workers.getActiveCount() == 1);
		workers.drain(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100), 100);
		assertThat(workers.isAbandoned()).isTrue();
		assertThat(workers.getQueueSize()).isZero();
		assertThat(this.acknowledged).isEmpty();
	}

	private boolean record(MqttInboundMessage message) {
		this.processed.add(message.getTopic());
		return true;
	}

	private MqttInboundMessage message(String topic, int qos) {
		return new MqttInboundMessage(topic, topic.getBytes(StandardCharsets.UTF_8), qos, false, false, 1,
				MqttMessageProperties.NONE, () -> this.acknowledged.add(topic));
	}

	private static void block(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
