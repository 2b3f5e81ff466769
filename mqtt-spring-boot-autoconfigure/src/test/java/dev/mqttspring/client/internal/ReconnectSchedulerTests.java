package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttReasonCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReconnectScheduler}.
 */
class ReconnectSchedulerTests {

	private static final Duration SHORT = Duration.ofMillis(100);

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void failedAttemptsDoubleTheDelayUpToTheMaximumWithUpToTwentyPercentJitter() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(5));
		long[] expected = { 1000, 2000, 4000, 5000, 5000 };
		for (int i = 0; i < expected.length; i++) {
			long delay = scheduler.nextDelay(-1, false, Duration.ZERO, true);
			assertThat(delay).isBetween(expected[i] * 8 / 10, expected[i]);
			assertThat(scheduler.failedAttempts()).isEqualTo(i + 1);
		}
	}

	@Test
	void lossOfAConnectionThatLastedReconnectsAtOnceAndStartsTheBackOffAfresh() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		assertThat(scheduler.nextDelay(-1, true, Duration.ofSeconds(3), false)).isZero();
		assertThat(scheduler.failedAttempts()).isZero();
		assertThat(scheduler.nextDelay(-1, false, Duration.ZERO, true)).isBetween(800L, 1000L);
	}

	@Test
	void lossOfAConnectionThatDidNotLastWaitsTheBackOff() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(scheduler.nextDelay(-1, true, Duration.ofMillis(500), false)).isBetween(800L, 1000L);
		assertThat(scheduler.nextDelay(-1, true, Duration.ofMillis(500), false)).isBetween(1600L, 2000L);
	}

	@Test
	void refusalsThatWaitingCuresWaitTheMaximumDelay() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		for (int code : new int[] { MqttReasonCodes.SESSION_TAKEN_OVER, MqttReasonCodes.BAD_USER_NAME_OR_PASSWORD,
				MqttReasonCodes.NOT_AUTHORIZED }) {
			assertThat(scheduler.nextDelay(code, true, Duration.ofMinutes(1), false)).isBetween(24_000L, 30_000L);
		}
		assertThat(scheduler.failedAttempts()).isEqualTo(1);
		// the refusals count as attempts of the back-off
		ReconnectScheduler counting = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		counting.nextDelay(MqttReasonCodes.NOT_AUTHORIZED, false, Duration.ZERO, true);
		assertThat(counting.nextDelay(-1, false, Duration.ZERO, true)).isBetween(1600L, 2000L);
	}

	@Test
	void aStableConnectionResetsTheBackOffUnlessAnAttemptIsInProgress() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		assertThat(scheduler.nextDelay(-1, false, Duration.ofMinutes(1), true)).isBetween(3200L, 4000L);
		assertThat(scheduler.nextDelay(-1, false, Duration.ofMinutes(1), false)).isBetween(800L, 1000L);
	}

	@Test
	void delaysAreAtLeastTenMillisecondsAndMaximumNeverBelowMinimum() {
		ReconnectScheduler zero = new ReconnectScheduler(Duration.ZERO, Duration.ZERO);
		assertThat(zero.nextDelay(-1, false, Duration.ZERO, true)).isEqualTo(10);
		ReconnectScheduler inverted = new ReconnectScheduler(Duration.ofSeconds(2), Duration.ofSeconds(1));
		inverted.nextDelay(-1, false, Duration.ZERO, true);
		assertThat(inverted.nextDelay(-1, false, Duration.ZERO, true)).isBetween(1600L, 2000L);
	}

	@Test
	void resetStartsTheBackOffAfresh() {
		ReconnectScheduler scheduler = new ReconnectScheduler(Duration.ofSeconds(1), Duration.ofSeconds(30));
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		scheduler.nextDelay(-1, false, Duration.ZERO, true);
		scheduler.reset();
		assertThat(scheduler.nextDelay(-1, false, Duration.ZERO, true)).isBetween(800L, 1000L);
	}

	@Test
	void scheduledTaskIsPendingUntilItRunsAndCanBeCancelled() {
		ReconnectScheduler scheduler = new ReconnectScheduler(SHORT, SHORT);
		AtomicInteger runs = new AtomicInteger();
		scheduler.schedule(this.executor, () -> {
			scheduler.running();
			runs.incrementAndGet();
		}, 50);
		assertThat(scheduler.isPending()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
		assertThat(scheduler.isPending()).isFalse();
		scheduler.schedule(this.executor, runs::incrementAndGet, 60_000);
		scheduler.cancel();
		assertThat(scheduler.isPending()).isFalse();
	}

	@Test
	void settleChecksAreBoundedAndEndWithAnAttempt() {
		ReconnectScheduler scheduler = new ReconnectScheduler(SHORT, SHORT);
		AtomicInteger runs = new AtomicInteger();
		Runnable check = runs::incrementAndGet;
		int scheduled = 0;
		while (scheduler.checkAgainWhenSettled(this.executor, check)) {
			scheduled++;
			await().atMost(Duration.ofSeconds(5)).until(() -> !scheduler.isPending());
		}
		assertThat(scheduled).isEqualTo(100);
		assertThat(runs.get()).isEqualTo(100);
		scheduler.attempting();
		assertThat(scheduler.checkAgainWhenSettled(this.executor, check)).isTrue();
	}

}
