package dev.mqttspring.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttTemplateExecutors}.
 */
class MqttTemplateExecutorsTests {

	@Test
	void ownThreadsAreNamedDaemonsAndStartAgainAfterClose() throws Exception {
		MqttTemplateExecutors executors = new MqttTemplateExecutors(null, "test-template");
		List<Thread> threads = new CopyOnWriteArrayList<>();
		CountDownLatch ran = new CountDownLatch(3);
		executors.schedule(() -> record(threads, ran), TimeUnit.MILLISECONDS.toNanos(10));
		executors.replies().execute(() -> record(threads, ran));
		executors.sends().execute(() -> record(threads, ran));
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(threads).extracting(Thread::getName)
			.containsExactlyInAnyOrder("test-template-timer", "test-template-reply", "test-template-send");
		assertThat(threads).allMatch(Thread::isDaemon);
		executors.close();
		CountDownLatch again = new CountDownLatch(1);
		executors.schedule(again::countDown, 0);
		assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
		executors.close();
	}

	@Test
	void aGivenSchedulerRunsEverythingAndIsNotShutDown() throws Exception {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("app-scheduler-");
		scheduler.initialize();
		try {
			MqttTemplateExecutors executors = new MqttTemplateExecutors(scheduler, "test-template");
			List<Thread> threads = new CopyOnWriteArrayList<>();
			CountDownLatch ran = new CountDownLatch(3);
			executors.schedule(() -> record(threads, ran), TimeUnit.MILLISECONDS.toNanos(10));
			executors.replies().execute(() -> record(threads, ran));
			executors.sends().execute(() -> record(threads, ran));
			assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(threads).extracting(Thread::getName).allMatch((name) -> name.startsWith("app-scheduler-"));
			executors.close();
			assertThat(scheduler.getScheduledExecutor().isShutdown()).isFalse();
		}
		finally {
			scheduler.shutdown();
		}
	}

	private static void record(List<Thread> threads, CountDownLatch ran) {
		threads.add(Thread.currentThread());
		ran.countDown();
	}

}
