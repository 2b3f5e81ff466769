package dev.mqttspring.client.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InboundDispatcher}.
 */
class InboundDispatcherTests {

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final ReentrantLock lock = new ReentrantLock();

	private final InboundDispatcher dispatcher = new InboundDispatcher(this.registry, this.lock,
			LogFactory.getLog(getClass()), 3);

	private final AtomicInteger acks = new AtomicInteger();

	@Test
	void messageGoesToEveryMatchingSubscriptionOnceAndIsAcknowledgedWhenAllAreDone() {
		List<MqttInboundMessage> plus = new CopyOnWriteArrayList<>();
		List<MqttInboundMessage> hash = new CopyOnWriteArrayList<>();
		this.registry.add(new MqttSubscription("a/+", 1, plus::add, "plus"), "client");
		this.registry.add(new MqttSubscription("a/#", 1, hash::add, "hash"), "client");
		this.dispatcher.dispatch(incoming("a/b", 1, true));
		assertThat(plus).singleElement().satisfies((message) -> assertThat(message.getTopic()).isEqualTo("a/b"));
		assertThat(hash).hasSize(1);
		plus.get(0).acknowledge();
		assertThat(this.acks).hasValue(0);
		hash.get(0).acknowledge();
		assertThat(this.acks).hasValue(1);
	}

	@Test
	void handlersRunAsClientLibraryCallbacks() {
		List<Boolean> seen = new CopyOnWriteArrayList<>();
		this.registry.add(new MqttSubscription("a", 1, (message) -> seen.add(CallbackThread.isCurrent()), "one"), "client");
		this.dispatcher.dispatch(incoming("a", 1, true));
		assertThat(seen).containsExactly(true);
	}

	@Test
	void handlerThatThrowsAcknowledgesItsShareAndOthersStillGetTheMessage() {
		List<MqttInboundMessage> other = new CopyOnWriteArrayList<>();
		this.registry.add(new MqttSubscription("a", 1, (message) -> {
			throw new IllegalStateException("boom");
		}, "failing"), "client");
		this.registry.add(new MqttSubscription("a/#", 1, other::add, "other"), "client");
		this.dispatcher.dispatch(incoming("a", 1, true));
		assertThat(other).hasSize(1);
		other.get(0).acknowledge();
		assertThat(this.acks).hasValue(1);
	}

	@Test
	void unmatchedQosZeroMessageIsDiscarded() {
		this.dispatcher.dispatch(incoming("a", 0, true));
		assertThat(parked()).isZero();
	}

	@Test
	void unmatchedMessageIsParkedUnacknowledgedAndDeliveredWhenASubscriptionIsAdded() {
		this.dispatcher.dispatch(incoming("a", 1, true));
		assertThat(parked()).isEqualTo(1);
		assertThat(this.acks).hasValue(0);
		List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();
		this.registry.add(new MqttSubscription("a", 1, received::add, "late"), "client");
		this.dispatcher.redeliverParked();
		assertThat(received).hasSize(1);
		received.get(0).acknowledge();
		assertThat(this.acks).hasValue(1);
		assertThat(parked()).isZero();
	}

	@Test
	void messageArrivingAfterTheSubscriptionButBeforeTheRedeliveryWaitsBehindTheParkedOnes() {
		this.dispatcher.dispatch(incoming("t", "a"));
		this.dispatcher.dispatch(incoming("t", "b"));
		List<String> received = new CopyOnWriteArrayList<>();
		this.registry.add(new MqttSubscription("t", 1, (message) -> received.add(text(message)), "late"), "client");
		this.dispatcher.dispatch(incoming("t", "c"));
		assertThat(received).containsExactly("a", "b", "c");
		this.dispatcher.redeliverParked();
		assertThat(received).containsExactly("a", "b", "c");
		assertThat(parked()).isZero();
	}

	@Test
	void messageArrivingDuringTheRedeliveryWaitsBehindTheParkedOnes() throws Exception {
		this.dispatcher.dispatch(incoming("t", "a"));
		this.dispatcher.dispatch(incoming("t", "b"));
		List<String> received = new CopyOnWriteArrayList<>();
		CountDownLatch release = new CountDownLatch(1);
		Thread redelivery = redeliverBlockingOnA(received, release);
		this.dispatcher.dispatch(incoming("t", "c"));
		this.dispatcher.dispatch(incoming("other", "x"));
		assertThat(received).containsExactly("a");
		release.countDown();
		redelivery.join(10_000);
		assertThat(redelivery.isAlive()).isFalse();
		assertThat(received).containsExactly("a", "b", "c");
		assertThat(parked()).isEqualTo(1);
		this.dispatcher.dispatch(incoming("t", "d"));
		assertThat(received).containsExactly("a", "b", "c", "d");
	}

	@Test
	void messagesHeldBehindARedeliveryAreBoundedByTheParkingLimit() throws Exception {
		this.dispatcher.dispatch(incoming("t", "a"));
		List<String> received = new CopyOnWriteArrayList<>();
		CountDownLatch release = new CountDownLatch(1);
		Thread redelivery = redeliverBlockingOnA(received, release);
		for (String payload : List.of("b", "c", "d", "e")) {
			this.dispatcher.dispatch(incoming("t", payload));
		}
		// three held (the limit), the fourth delivered at once
		assertThat(received).containsExactly("a", "e");
		release.countDown();
		redelivery.join(10_000);
		assertThat(redelivery.isAlive()).isFalse();
		assertThat(received).containsExactly("a", "e", "b", "c", "d");
		assertThat(parked()).isZero();
	}

	@Test
	void messageForADetachedSubscriptionIsHeldEvenWhenAnotherMatches() {
		MqttSubscription stopped = new MqttSubscription("a/+", 1, (message) -> {
		}, "stopped");
		List<MqttInboundMessage> running = new CopyOnWriteArrayList<>();
		this.registry.add(stopped, "client");
		this.registry.add(new MqttSubscription("a/b", 1, running::add, "running"), "client");
		this.registry.detach(stopped);
		this.dispatcher.dispatch(incoming("a/b", 1, true));
		assertThat(running).isEmpty();
		assertThat(parked()).isEqualTo(1);
	}

	@Test
	void overflowAcknowledgesUnmatchedMessagesButLeavesThoseOfDetachedSubscriptions() {
		for (int i = 0; i < 3; i++) {
			this.dispatcher.dispatch(incoming("x", 1, true));
		}
		this.dispatcher.dispatch(incoming("x", 1, true));
		assertThat(this.acks).hasValue(1);
		MqttSubscription stopped = new MqttSubscription("d", 1, (message) -> {
		}, "stopped");
		this.registry.add(stopped, "client");
		this.registry.detach(stopped);
		this.dispatcher.dispatch(incoming("d", 1, true));
		assertThat(this.acks).hasValue(1);
		assertThat(parked()).isEqualTo(3);
	}

	@Test
	void connectionLossForgetsTheMessagesTheBrokerSendsAgainAndStopForgetsAll() {
		this.dispatcher.dispatch(incoming("a", 1, true));
		this.dispatcher.dispatch(incoming("b", 1, false));
		this.lock.lock();
		try {
			this.dispatcher.connectionLost();
			assertThat(this.dispatcher.parkedCount()).isEqualTo(1);
			this.dispatcher.clear();
			assertThat(this.dispatcher.hasParked()).isFalse();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Test
	void countdownRunsTheActionOnTheLastCall() {
		Runnable countdown = InboundDispatcher.countdown(3, this.acks::incrementAndGet);
		countdown.run();
		countdown.run();
		assertThat(this.acks).hasValue(0);
		countdown.run();
		assertThat(this.acks).hasValue(1);
	}

	private int parked() {
		this.lock.lock();
		try {
			return this.dispatcher.parkedCount();
		}
		finally {
			this.lock.unlock();
		}
	}

	private InboundDispatcher.Incoming incoming(String topic, String payload) {
		return new InboundDispatcher.Incoming(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, false, 1,
				MqttMessageProperties.NONE, this.acks::incrementAndGet, false);
	}

	// subscribe to "t" with a handler that records and blocks on "a" until released, and
	// redeliver the parked messages on another thread; returns once "a" is in the handler
	private Thread redeliverBlockingOnA(List<String> received, CountDownLatch release) throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		this.registry.add(new MqttSubscription("t", 1, (message) -> {
			received.add(text(message));
			if (text(message).equals("a")) {
				entered.countDown();
				await(release);
			}
		}, "late"), "client");
		Thread redelivery = new Thread(this.dispatcher::redeliverParked, "redelivery");
		redelivery.start();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		return redelivery;
	}

	private static String text(MqttInboundMessage message) {
		return new String(message.getPayload(), StandardCharsets.UTF_8);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private InboundDispatcher.Incoming incoming(String topic, int qos, boolean redelivered) {
		return new InboundDispatcher.Incoming(topic, "x".getBytes(StandardCharsets.UTF_8), qos, false, false, 1,
				MqttMessageProperties.NONE, this.acks::incrementAndGet, !redelivered);
	}

}
