package dev.mqttspring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PublishDeadlines}, with a scheduler that records the sweeps instead of
 * running them.
 */
class PublishDeadlinesTests {

	private final List<Long> delays = new ArrayList<>();

	private final List<Runnable> sweeps = new ArrayList<>();

	private final PublishDeadlines deadlines = new PublishDeadlines((task, delay) -> {
		this.sweeps.add(task);
		this.delays.add(delay);
	});

	@Test
	void theFirstWatchSchedulesOneSweepWithinTheTimeout() {
		this.deadlines.watch(new TestDeadline(TimeUnit.SECONDS.toNanos(30)), TimeUnit.SECONDS.toNanos(30));
		this.deadlines.watch(new TestDeadline(TimeUnit.SECONDS.toNanos(30)), TimeUnit.SECONDS.toNanos(30));
		assertThat(this.delays).containsExactly(PublishDeadlines.SWEEP_INTERVAL_NANOS);
		this.deadlines.watch(new TestDeadline(0), TimeUnit.MILLISECONDS.toNanos(10));
		assertThat(this.sweeps).hasSize(1);
	}

	@Test
	void aShortTimeoutIsSweptSooner() {
		this.deadlines.watch(new TestDeadline(TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.MILLISECONDS.toNanos(10));
		assertThat(this.delays).containsExactly(TimeUnit.MILLISECONDS.toNanos(10));
	}

	@Test
	void sweepTimesOutPassedDeadlinesInOrderAndStopsAtTheFirstFutureOne() {
		TestDeadline passed = new TestDeadline(-1);
		TestDeadline finished = new TestDeadline(-1);
		finished.finished = true;
		TestDeadline future = new TestDeadline(TimeUnit.SECONDS.toNanos(30));
		TestDeadline behind = new TestDeadline(-1);
		this.deadlines.watch(passed, 1);
		this.deadlines.watch(finished, 1);
		this.deadlines.watch(future, 1);
		this.deadlines.watch(behind, 1);
		this.deadlines.sweep();
		assertThat(passed.timedOut).isTrue();
		assertThat(finished.timedOut).isFalse();
		assertThat(future.timedOut).isFalse();
		assertThat(behind.timedOut).isFalse();
		assertThat(this.deadlines.size()).isEqualTo(2);
		assertThat(this.delays).hasSize(2).last().isEqualTo(PublishDeadlines.SWEEP_INTERVAL_NANOS);
	}

	@Test
	void sweepSkipsFinishedPublishesAndStopsWhenTheQueueIsEmpty() {
		TestDeadline finished = new TestDeadline(TimeUnit.SECONDS.toNanos(30));
		this.deadlines.watch(finished, TimeUnit.SECONDS.toNanos(30));
		finished.finished = true;
		this.deadlines.sweep();
		assertThat(this.deadlines.size()).isZero();
		assertThat(this.sweeps).hasSize(1);
		this.deadlines.watch(new TestDeadline(TimeUnit.SECONDS.toNanos(30)), TimeUnit.SECONDS.toNanos(30));
		assertThat(this.sweeps).as("a new sweep after the queue ran empty").hasSize(2);
	}

	@Test
	void aFailingTimeoutDoesNotStopTheSweep() {
		TestDeadline failing = new TestDeadline(-1) {

			@Override
			public void timeout() {
				throw new IllegalStateException("boom");
			}

		};
		TestDeadline next = new TestDeadline(-1);
		this.deadlines.watch(failing, 1);
		this.deadlines.watch(next, 1);
		this.deadlines.sweep();
		assertThat(next.timedOut).isTrue();
	}

	private static class TestDeadline implements PublishDeadlines.Deadline {

		private final long deadline;

		boolean finished;

		boolean timedOut;

		TestDeadline(long fromNowNanos) {
			this.deadline = System.nanoTime() + fromNowNanos;
		}

		@Override
		public long deadline() {
			return this.deadline;
		}

		@Override
		public boolean isFinished() {
			return this.finished;
		}

		@Override
		public void timeout() {
			this.timedOut = true;
			this.finished = true;
		}

	}

}
