package dev.mqttspring.paho;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executor the Paho connections give Paho: an error that ends a task (as an
 * {@link OutOfMemoryError} ends Paho's receiver thread) is reported with the thread's
 * name; a task Paho cancels is not interrupted, and its end is not reported.
 */
class PahoThreadsTests {

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final PahoThreads threads = new PahoThreads((thread, error) -> this.failures.add(thread + ": " + error));

	@Test
	void errorEndingASubmittedTaskIsReported() {
		this.threads.submit(() -> {
			Thread.currentThread().setName("MQTT Rec: client");
			throw new OutOfMemoryError("Java heap space");
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.failures.isEmpty());
		assertThat(this.failures).containsExactly("MQTT Rec: client: java.lang.OutOfMemoryError: Java heap space");
	}

	@Test
	void errorEndingAnExecutedTaskIsReported() {
		this.threads.execute(() -> {
			throw new IllegalStateException("boom");
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.failures.isEmpty());
		assertThat(this.failures.get(0)).endsWith("java.lang.IllegalStateException: boom");
	}

	@Test
	void cancelledTaskIsNotInterruptedNorReported() throws Exception {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		AtomicReference<Thread> thread = new AtomicReference<>();
		Future<?> task = this.threads.submit(() -> {
			thread.set(Thread.currentThread());
			running.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			throw new IllegalStateException("stopped");
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		task.cancel(true);
		release.countDown();
		thread.get().join(10_000);
		assertThat(thread.get().isAlive()).isFalse();
		assertThat(interrupted).isFalse();
		assertThat(this.failures).isEmpty();
	}

}
