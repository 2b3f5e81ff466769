package dev.mqttspring.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.HdrHistogram.Recorder;

/**
 * Counts received messages by sequence number: unique ones, duplicates and unexpected
 * ones, and records when the last unique message arrived. Optionally records the
 * end-to-end latency of every message.
 */
final class SequenceTracker implements MessageSink {

	private final long expected;

	private final AtomicLongArray seen;

	private final AtomicLong unique = new AtomicLong();

	private final AtomicLong duplicates = new AtomicLong();

	private final AtomicLong unexpected = new AtomicLong();

	private final CountDownLatch complete = new CountDownLatch(1);

	private final Recorder latency;

	private volatile long lastUniqueNanos;

	SequenceTracker(long expected, Recorder latency) {
		this.expected = expected;
		this.seen = new AtomicLongArray((int) ((expected + 63) / 64));
		this.latency = latency;
	}

	SequenceTracker(long expected) {
		this(expected, null);
	}

	@Override
	public void received(long sequence, long sentNanos) {
		long now = System.nanoTime();
		if (sequence < 0 || sequence >= this.expected) {
			this.unexpected.incrementAndGet();
			return;
		}
		int index = (int) (sequence >>> 6);
		long bit = 1L << (sequence & 63);
		long old;
		do {
			old = this.seen.get(index);
			if ((old & bit) != 0) {
				this.duplicates.incrementAndGet();
				return;
			}
		}
		while (!this.seen.compareAndSet(index, old, old | bit));
		if (this.latency != null) {
			this.latency.recordValue(Math.max(0, now - sentNanos));
		}
		this.lastUniqueNanos = now;
		if (this.unique.incrementAndGet() == this.expected) {
			this.complete.countDown();
		}
	}

	/**
	 * Wait until every expected message arrived.
	 * @param timeoutMillis the longest wait
	 * @return whether all arrived
	 * @throws InterruptedException if interrupted
	 */
	boolean awaitAll(long timeoutMillis) throws InterruptedException {
		return this.complete.await(timeoutMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait until every expected message arrived or nothing new arrived for a quiet period
	 * (QoS 0 may lose messages).
	 * @param timeoutMillis the longest wait
	 * @param quietMillis how long without a new message ends the wait
	 * @return whether all arrived
	 * @throws InterruptedException if interrupted
	 */
	boolean awaitAllOrQuiet(long timeoutMillis, long quietMillis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		long lastCount = -1;
		long lastChange = System.nanoTime();
		while (System.nanoTime() < deadline) {
			if (this.complete.await(50, TimeUnit.MILLISECONDS)) {
				return true;
			}
			long count = this.unique.get();
			if (count != lastCount) {
				lastCount = count;
				lastChange = System.nanoTime();
			}
			else if (System.nanoTime() - lastChange > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
				return false;
			}
		}
		return false;
	}

	long expected() {
		return this.expected;
	}

	long unique() {
		return this.unique.get();
	}

	long duplicates() {
		return this.duplicates.get();
	}

	long unexpected() {
		return this.unexpected.get();
	}

	long lastUniqueNanos() {
		return this.lastUniqueNanos;
	}

	/**
	 * Return the first missing sequence numbers, for error messages.
	 * @param max how many to list at most
	 * @return the description
	 */
	String missingSample(int max) {
		StringBuilder builder = new StringBuilder();
		int found = 0;
		for (long sequence = 0; sequence < this.expected && found < max; sequence++) {
			if ((this.seen.get((int) (sequence >>> 6)) & (1L << (sequence & 63))) == 0) {
				builder.append((found == 0) ? "" : ", ").append(sequence);
				found++;
			}
		}
		return builder.toString();
	}

}
