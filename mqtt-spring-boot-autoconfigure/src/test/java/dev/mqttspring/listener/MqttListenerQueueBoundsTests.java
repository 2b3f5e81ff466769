package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener queue's bounds: by count ({@code mqtt.listener.queue-capacity}) and by bytes
 * of payload and topic ({@code mqtt.listener.queue-memory}). QoS 0 messages beyond either
 * are dropped and counted; QoS 1 messages are queued with their acknowledgement withheld.
 */
class MqttListenerQueueBoundsTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger started = new AtomicInteger();

	private final CapturingConnection connection = new CapturingConnection();

	private final DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(this.connection, "bounded",
			List.of("t"), 1, null, (message) -> {
				this.started.incrementAndGet();
				this.release.await();
			});

	@Test
	void qos0BeyondTheMemoryBoundIsDroppedAndCounted() {
		start(100, 10);
		AtomicInteger acknowledged = new AtomicInteger();
		deliver(0, 30, acknowledged);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.started.get() == 1);
		for (int i = 0; i < 4; i++) {
			// 31 bytes each (payload and topic): the fourth would make 124 bytes
			deliver(0, 30, acknowledged);
		}
		assertThat(this.container.getQueueSize()).isEqualTo(3);
		assertThat(this.container.getDroppedCount()).isEqualTo(1);
		assertThat(this.container.getReceivedCount()).isEqualTo(5);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.container.getProcessedCount() == 4);
		this.container.stop();
	}

	@Test
	void qos0BeyondTheCapacityIsDroppedAndCounted() {
		start(1_000_000, 2);
		AtomicInteger acknowledged = new AtomicInteger();
		deliver(0, 1, acknowledged);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.started.get() == 1);
		for (int i = 0; i < 5; i++) {
			deliver(0, 1, acknowledged);
		}
		assertThat(this.container.getQueueSize()).isEqualTo(2);
		assertThat(this.container.getDroppedCount()).isEqualTo(3);
		this.release.countDown();
		this.container.stop();
	}

	@Test
	void qos1BeyondTheMemoryBoundWaitsUnacknowledged() {
		start(100, 10);
		AtomicInteger acknowledged = new AtomicInteger();
		deliver(1, 30, acknowledged);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.started.get() == 1);
		for (int i = 0; i < 5; i++) {
			deliver(1, 30, acknowledged);
		}
		assertThat(this.container.getQueueSize()).isEqualTo(5);
		assertThat(this.container.getDroppedCount()).isZero();
		// the one in progress and three queued (93 bytes); two wait for room
		assertThat(acknowledged).hasValue(4);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() == 6 && this.container.getProcessedCount() == 6);
		this.container.stop();
	}

	@Test
	void messageLargerThanTheMemoryBoundIsQueuedWhenTheQueueIsEmpty() {
		start(100, 10);
		AtomicInteger acknowledged = new AtomicInteger();
		deliver(1, 10, acknowledged);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.started.get() == 1);
		deliver(0, 500, acknowledged);
		deliver(1, 500, acknowledged);
		assertThat(this.container.getDroppedCount()).isZero();
		assertThat(this.container.getQueueSize()).isEqualTo(2);
		assertThat(acknowledged).as("the first QoS 1 message and the QoS 0 one").hasValue(2);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.get() == 3 && this.container.getProcessedCount() == 3);
		this.container.stop();
	}

	private void start(long queueMemory, int queueCapacity) {
		this.container.setQueueMemory(queueMemory);
		this.container.setQueueCapacity(queueCapacity);
		this.container.setAckMode(MqttAckMode.RECEIVED);
		this.container.setShutdownTimeout(Duration.ofSeconds(5));
		this.container.start();
	}

	private void deliver(int qos, int payloadSize, AtomicInteger acknowledged) {
		byte[] payload = "x".repeat(payloadSize).getBytes(StandardCharsets.UTF_8);
		this.connection.handler.getHandler()
			.handleMessage(new MqttInboundMessage("t", payload, qos, false, false, 0, MqttMessageProperties.NONE,
					acknowledged::incrementAndGet));
	}

	private static final class CapturingConnection extends StubMqttConnection {

		private volatile MqttSubscription handler;

		@Override
		public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
			this.handler = subscription;
			return super.subscribe(subscription);
		}

	}

}
