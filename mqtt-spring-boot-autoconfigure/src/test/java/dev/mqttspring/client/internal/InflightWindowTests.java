package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InflightWindow}.
 */
class InflightWindowTests {

	@Test
	void waiterProceedsOnceABatchOfSlotsIsFree() {
		InflightWindow window = full(16);
		CompletableFuture<Boolean> waiter = acquireAsync(window);
		window.release();
		await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !waiter.isDone());
		window.release();
		await().atMost(Duration.ofSeconds(5)).until(waiter::isDone);
		assertThat(waiter.join()).isTrue();
		assertThat(window.inUse()).isEqualTo(15);
	}

	@Test
	void everyWaiterProceedsWhenTheBatchIsFree() {
		InflightWindow window = full(16);
		CompletableFuture<Boolean> first = acquireAsync(window);
		CompletableFuture<Boolean> second = acquireAsync(window);
		window.release();
		window.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> first.isDone() && second.isDone());
		assertThat(first.join()).isTrue();
		assertThat(second.join()).isTrue();
		assertThat(window.inUse()).isEqualTo(16);
	}

	@Test
	void smallWindowWakesOnEveryRelease() {
		InflightWindow window = full(2);
		CompletableFuture<Boolean> waiter = acquireAsync(window);
		window.release();
		await().atMost(Duration.ofSeconds(5)).until(waiter::isDone);
		assertThat(waiter.join()).isTrue();
	}

	@Test
	void fullWindowTimesOut() throws InterruptedException {
		InflightWindow window = full(4);
		assertThat(window.acquire(TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
		assertThat(window.tryAcquire()).isFalse();
	}

	@Test
	void resetWakesWaiters() {
		InflightWindow window = full(16);
		CompletableFuture<Boolean> waiter = acquireAsync(window);
		window.reset();
		await().atMost(Duration.ofSeconds(5)).until(waiter::isDone);
		assertThat(waiter.join()).isTrue();
		assertThat(window.inUse()).isEqualTo(1);
	}

	private static InflightWindow full(int limit) {
		InflightWindow window = new InflightWindow(limit);
		for (int i = 0; i < limit; i++) {
			assertThat(window.tryAcquire()).isTrue();
		}
		return window;
	}

	private static CompletableFuture<Boolean> acquireAsync(InflightWindow window) {
		CompletableFuture<Boolean> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(window.acquire(TimeUnit.SECONDS.toNanos(10)));
			}
			catch (InterruptedException ex) {
				result.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
		return result;
	}

}
