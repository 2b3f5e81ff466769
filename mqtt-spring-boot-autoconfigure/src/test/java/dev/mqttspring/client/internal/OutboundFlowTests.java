package dev.mqttspring.client.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OutboundFlow}, over a fake client.
 */
class OutboundFlowTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final FakeLink link = new FakeLink();

	@AfterEach
	void shutdown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void publishBeforeStartFails() {
		OutboundFlow flow = flow();
		this.link.running = false;
		assertThat(flow.publish(message("a", 1))).failsWithin(Duration.ofSeconds(1))
			.withThrowableThat()
			.withMessageContaining("is not started");
	}

	@Test
	void publishWhileConnectedIsSentAtOnceAndCompletesOnTheAcknowledgement() {
		OutboundFlow flow = started();
		CompletableFuture<Void> future = flow.publish(message("a", 1));
		assertThat(this.link.sentTopics()).containsExactly("a");
		assertThat(flow.inFlight()).isEqualTo(1);
		assertThat(future).isNotDone();
		this.link.sent.get(0).completion.completed(0);
		assertThat(future).isCompleted();
		assertThat(flow.inFlight()).isZero();
	}

	@Test
	void publishesWhileDisconnectedAreBufferedAndSentInOrderOnResume() {
		OutboundFlow flow = started();
		this.link.connected = false;
		flow.publish(message("a", 1));
		flow.publish(message("b", 1));
		assertThat(this.link.sent).isEmpty();
		assertThat(flow.bufferedMessages()).isEqualTo(2);
		assertThat(flow.bufferedBytes()).isEqualTo(4);
		this.link.connected = true;
		flow.resume(this.scheduler);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.link.sent.size() == 2);
		assertThat(this.link.sentTopics()).containsExactly("a", "b");
		assertThat(flow.bufferedMessages()).isZero();
	}

	@Test
	void inFlightWindowHoldsBackPublishesUntilAcknowledgementsFreeSlots() {
		this.settings.setMaxInflight(2);
		OutboundFlow flow = started();
		flow.publish(message("a", 1));
		flow.publish(message("b", 1));
		flow.publish(message("c", 1));
		assertThat(this.link.sentTopics()).containsExactly("a", "b");
		assertThat(flow.bufferedMessages()).isEqualTo(1);
		this.link.sent.get(0).completion.completed(0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.link.sent.size() == 3);
		assertThat(this.link.sentTopics()).containsExactly("a", "b", "c");
	}

	@Test
	void acknowledgementOnAClientThreadHandsBufferedPublishesOverOnTheSchedulerInBatches() {
		this.settings.setMaxInflight(16);
		OutboundFlow flow = started();
		for (int i = 0; i < 20; i++) {
			flow.publish(message("m" + i, 1));
		}
		assertThat(this.link.sent).hasSize(16);
		assertThat(flow.bufferedMessages()).isEqualTo(4);
		// the client's I/O thread only frees the slot; one slot is less than a batch (16 / 8)
		this.link.sent.get(0).completion.completed(0);
		assertThat(this.link.sent).hasSize(16);
		this.link.sent.get(1).completion.completed(0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.link.sent.size() == 18);
		assertThat(this.link.sent.get(16).thread()).isNotEqualTo(Thread.currentThread().getName());
		// the publishes still in flight complete and free the next batch: nothing is left behind
		for (int i = 2; i < 16; i++) {
			this.link.sent.get(i).completion.completed(0);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.link.sent.size() == 20);
		assertThat(this.link.sentTopics()).containsExactlyElementsOf(
				java.util.stream.IntStream.range(0, 20).mapToObj((i) -> "m" + i).toList());
		assertThat(flow.bufferedMessages()).isZero();
	}

	@Test
	void brokersReceiveMaximumLowersTheWindow() {
		this.settings.setMaxInflight(10);
		OutboundFlow flow = started();
		flow.connected(1);
		flow.publish(message("a", 1));
		flow.publish(message("b", 1));
		assertThat(this.link.sentTopics()).containsExactly("a");
	}

	@Test
	void refusalByTheBrokerFailsThePublishWithItsReasonCode() {
		OutboundFlow flow = started();
		CompletableFuture<Void> future = flow.publish(message("a", 1));
		this.link.sent.get(0).completion.completed(0x87);
		assertThat(future).failsWithin(Duration.ofSeconds(1))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(MqttDeliveryException.class,
					(ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x87));
		assertThat(flow.inFlight()).isZero();
	}

	@Test
	void failureThatTheClientResendsAfterReconnectingKeepsThePublishInFlightUntilStop() {
		this.settings.setCleanStart(false);
		OutboundFlow flow = started();
		CompletableFuture<Void> future = flow.publish(message("a", 1));
		this.link.sent.get(0).completion.failed(new IllegalStateException("connection lost"));
		assertThat(future).isNotDone();
		assertThat(flow.inFlight()).isEqualTo(1);
		List<PendingPublish> abandoned = flow.collectOnClose();
		assertThat(abandoned).hasSize(1);
		flow.abandon(abandoned);
		assertThat(future).failsWithin(Duration.ofSeconds(1))
			.withThrowableThat()
			.withMessageContaining("stopped before the message to 'a' could be sent");
	}

	@Test
	void failureWithACleanSessionFailsThePublish() {
		this.settings.setCleanStart(true);
		OutboundFlow flow = started();
		CompletableFuture<Void> future = flow.publish(message("a", 1));
		this.link.sent.get(0).completion.failed(new IllegalStateException("connection lost"));
		assertThat(future).failsWithin(Duration.ofSeconds(1))
			.withThrowableThat()
			.withMessageContaining("Publishing to 'a' failed: connection lost");
		assertThat(flow.inFlight()).isZero();
	}

	@Test
	void publishRefusedByADisconnectedClientGoesBackToTheBuffer() {
		OutboundFlow flow = started();
		this.link.refuseNotConnected = true;
		CompletableFuture<Void> future = flow.publish(message("a", 1));
		assertThat(future).isNotDone();
		assertThat(flow.bufferedMessages()).isEqualTo(1);
		assertThat(flow.inFlight()).isZero();
	}

	@Test
	void publishLargerThanTheWholeBufferWhileDisconnectedFails() {
		this.settings.setOfflineBufferMemory(3);
		OutboundFlow flow = started();
		this.link.connected = false;
		assertThat(flow.publish(message("abcd", 1))).failsWithin(Duration.ofSeconds(1))
			.withThrowableThat()
			.withMessageContaining("is larger than the whole offline buffer (mqtt.offline-buffer-memory=3 bytes)");
	}

	@Test
	void fullBufferFailsAfterMaxBlockNamingWhyTheConnectionIsDown() {
		this.settings.setOfflineBufferSize(1);
		this.settings.setPublishMaxBlock(Duration.ofMillis(50));
		OutboundFlow flow = started();
		this.link.connected = false;
		flow.publish(message("a", 1));
		assertThat(flow.publish(message("b", 1))).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withMessageContaining("is not connected (broker gone)")
			.withMessageContaining("offline buffer stayed full for 50 ms");
		assertThat(flow.blockedCount()).isEqualTo(1);
	}

	@Test
	void publishFromAClientCallbackNeverWaitsForRoomButIsBufferedBeyondTheBounds() {
		this.settings.setOfflineBufferSize(1);
		this.settings.setPublishMaxBlock(Duration.ofSeconds(30));
		OutboundFlow flow = started();
		this.link.connected = false;
		flow.publish(message("a", 1));
		CompletableFuture<?>[] future = new CompletableFuture<?>[1];
		long started = System.nanoTime();
		CallbackThread.run(() -> future[0] = flow.publish(message("b", 1)));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		assertThat(future[0]).isNotDone();
		assertThat(flow.bufferedMessages()).isEqualTo(2);
	}

	private OutboundFlow flow() {
		this.settings.setClientId("flow");
		return new OutboundFlow(this.settings, this.link, LogFactory.getLog(getClass()));
	}

	private OutboundFlow started() {
		OutboundFlow flow = flow();
		flow.open(this.scheduler);
		return flow;
	}

	private static MqttOutboundMessage message(String topic, int qos) {
		return new MqttOutboundMessage(topic, "x".getBytes(StandardCharsets.UTF_8), qos, false, MqttMessageProperties.NONE);
	}

	private record Sent(MqttOutboundMessage message, OutboundFlow.Completion completion, String thread) {
	}

	private static final class FakeLink implements OutboundFlow.Link {

		final List<Sent> sent = new CopyOnWriteArrayList<>();

		volatile boolean running = true;

		volatile boolean connected = true;

		volatile boolean refuseNotConnected;

		List<String> sentTopics() {
			return this.sent.stream().map((sent) -> sent.message().topic()).toList();
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public boolean isConnected() {
			return this.connected;
		}

		@Override
		public String disconnectedBecause() {
			return "broker gone";
		}

		@Override
		public boolean send(MqttOutboundMessage message, OutboundFlow.Completion completion) {
			if (this.refuseNotConnected) {
				throw new IllegalStateException("not connected");
			}
			this.sent.add(new Sent(message, completion, Thread.currentThread().getName()));
			return true;
		}

		@Override
		public int reasonCodeOf(Throwable ex) {
			return -1;
		}

		@Override
		public String describe(Throwable ex) {
			return ex.getMessage();
		}

		@Override
		public boolean isNotConnected(Throwable ex) {
			return "not connected".equals(ex.getMessage());
		}

		@Override
		public boolean resendsAfterReconnect(Throwable ex) {
			return true;
		}

	}

}
