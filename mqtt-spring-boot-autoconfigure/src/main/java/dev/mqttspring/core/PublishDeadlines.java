package dev.mqttspring.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Times out the publishes of one template. Publishes share one timeout, so their
 * deadlines arrive in submission order: a FIFO queue swept every 50 ms (or at the next
 * deadline, if sooner) replaces a scheduled task per publish, and the hot path is an offer
 * to a lock-free queue.
 */
final class PublishDeadlines {

	private static final Log logger = LogFactory.getLog(PublishDeadlines.class);

	static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MIN_SWEEP_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final Queue<Deadline> deadlines = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final BiConsumer<Runnable, Long> scheduler;

	/**
	 * @param scheduler runs a task after a delay in nanoseconds
	 */
	PublishDeadlines(BiConsumer<Runnable, Long> scheduler) {
		this.scheduler = scheduler;
	}

	/**
	 * Watch a publish until it finishes or its deadline passes.
	 * @param deadline the publish
	 * @param timeoutNanos its timeout, to sweep sooner than every 50 ms when it is shorter
	 */
	void watch(Deadline deadline, long timeoutNanos) {
		this.deadlines.offer(deadline);
		if (!this.sweeping.get() && this.sweeping.compareAndSet(false, true)) {
			schedule(Math.min(timeoutNanos, SWEEP_INTERVAL_NANOS));
		}
	}

	int size() {
		return this.deadlines.size();
	}

	private void schedule(long delayNanos) {
		this.scheduler.accept(this::sweep, Math.max(delayNanos, MIN_SWEEP_DELAY_NANOS));
	}

	void sweep() {
		long now = System.nanoTime();
		Deadline head;
		while ((head = this.deadlines.peek()) != null) {
			if (!head.isFinished() && head.deadline() - now > 0) {
				break;
			}
			this.deadlines.poll();
			if (!head.isFinished()) {
				try {
					head.timeout();
				}
				catch (RuntimeException ex) {
					logger.warn("Failing a timed-out publish failed", ex);
				}
			}
		}
		if (head != null) {
			schedule(Math.min(head.deadline() - now, SWEEP_INTERVAL_NANOS));
			return;
		}
		this.sweeping.set(false);
		if (!this.deadlines.isEmpty() && this.sweeping.compareAndSet(false, true)) {
			schedule(SWEEP_INTERVAL_NANOS);
		}
	}

	/**
	 * A publish with a deadline.
	 */
	interface Deadline {

		/**
		 * Return the deadline as a {@link System#nanoTime()} value.
		 */
		long deadline();

		boolean isFinished();

		/**
		 * Fail the publish: its deadline passed.
		 */
		void timeout();

	}

}
