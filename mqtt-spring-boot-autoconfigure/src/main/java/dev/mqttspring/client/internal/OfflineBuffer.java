package dev.mqttspring.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * The publishes that wait for the connection: while it is down, and while no in-flight slot is
 * free (a backlog after a reconnect, a broker slower than the application), bounded by their
 * bytes and their number. A publisher
 * waits for room up to a given time; a client-library thread never waits and may add
 * beyond the bounds, since it is the thread that must run for room to appear.
 *
 * @param <T> the type of a buffered publish
 */
final class OfflineBuffer<T> {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition room = this.lock.newCondition();

	private final ArrayDeque<T> queue = new ArrayDeque<>();

	private final ToLongFunction<T> sizer;

	private final long maxBytes;

	private final int maxMessages;

	private volatile long bytes;

	private volatile int messages;

	private boolean closed = true;

	private long blockedCount;

	private long blockedNanos;

	/**
	 * Create a buffer.
	 * @param sizer the size of a publish in bytes
	 * @param maxBytes the limit of the buffered bytes (0: no buffering)
	 * @param maxMessages the limit of the buffered publishes (0: no buffering)
	 */
	OfflineBuffer(ToLongFunction<T> sizer, long maxBytes, int maxMessages) {
		this.sizer = sizer;
		this.maxBytes = Math.max(0, maxBytes);
		this.maxMessages = Math.max(0, maxMessages);
	}

	/**
	 * Add a publish if it needs the buffer, waiting for room up to the given time.
	 * @param item the publish
	 * @param waitNanos how long to wait for room; 0 to never wait
	 * @param beyondBounds whether to add it beyond the bounds instead of waiting (on a
	 * client-library thread)
	 * @param mustWait whether the publish cannot be sent now (connection down, no in-flight
	 * slot); asked under the buffer's lock while nothing else waits
	 * @return the outcome
	 * @throws InterruptedException if interrupted while waiting
	 */
	Outcome offer(T item, long waitNanos, boolean beyondBounds, BooleanSupplier mustWait)
			throws InterruptedException {
		long size = this.sizer.applyAsLong(item);
		long remaining = waitNanos;
		long start = 0;
		this.lock.lock();
		try {
			while (true) {
				if (this.closed) {
					return Outcome.CLOSED;
				}
				if (this.queue.isEmpty() && !mustWait.getAsBoolean()) {
					return Outcome.NOT_NEEDED;
				}
				if (beyondBounds || hasRoom(size)) {
					add(item, size, false);
					return Outcome.BUFFERED;
				}
				if (this.maxBytes > 0 && this.maxMessages > 0 && size > this.maxBytes) {
					return Outcome.TOO_LARGE;
				}
				if (remaining <= 0) {
					return Outcome.FULL;
				}
				if (start == 0) {
					start = System.nanoTime();
				}
				remaining = this.room.awaitNanos(remaining);
			}
		}
		finally {
			if (start != 0) {
				this.blockedCount++;
				this.blockedNanos += System.nanoTime() - start;
			}
			this.lock.unlock();
		}
	}

	private boolean hasRoom(long size) {
		return this.messages < this.maxMessages && this.bytes + size <= this.maxBytes;
	}

	/**
	 * Put a publish back at the head, beyond the bounds: it was taken for sending but the
	 * connection turned out to be down.
	 * @param item the publish
	 * @return whether it was put back ({@code false} once closed)
	 */
	boolean requeue(T item) {
		this.lock.lock();
		try {
			if (this.closed) {
				return false;
			}
			add(item, this.sizer.applyAsLong(item), true);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void add(T item, long size, boolean first) {
		if (first) {
			this.queue.addFirst(item);
		}
		else {
			this.queue.addLast(item);
		}
		this.bytes += size;
		this.messages++;
	}

	/**
	 * Take the oldest publish for sending.
	 * @return the publish or {@code null} when empty
	 */
	@Nullable T poll() {
		if (this.messages == 0) {
			return null;
		}
		this.lock.lock();
		try {
			T item = this.queue.pollFirst();
			if (item != null) {
				this.bytes -= this.sizer.applyAsLong(item);
				this.messages--;
				this.room.signalAll();
			}
			return item;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wake the publishers waiting for room, e.g. to send directly once connected.
	 */
	void signal() {
		this.lock.lock();
		try {
			this.room.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Accept publishes (on start).
	 */
	void open() {
		this.lock.lock();
		try {
			this.closed = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Refuse publishes from now on (on stop), waking the waiting publishers.
	 * @return the publishes that were buffered
	 */
	List<T> close() {
		this.lock.lock();
		try {
			this.closed = true;
			List<T> abandoned = new ArrayList<>(this.queue);
			this.queue.clear();
			this.bytes = 0;
			this.messages = 0;
			this.room.signalAll();
			return abandoned;
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean isEmpty() {
		return this.messages == 0;
	}

	int messages() {
		return this.messages;
	}

	long bytes() {
		return this.bytes;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	int maxMessages() {
		return this.maxMessages;
	}

	long blockedCount() {
		this.lock.lock();
		try {
			return this.blockedCount;
		}
		finally {
			this.lock.unlock();
		}
	}

	long blockedNanos() {
		this.lock.lock();
		try {
			return this.blockedNanos;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * What {@link #offer} did.
	 */
	enum Outcome {

		/** The connection is up, nothing waits and the caller took an in-flight slot: send directly. */
		NOT_NEEDED,

		/** Buffered. */
		BUFFERED,

		/** No room within the time. */
		FULL,

		/** Larger than the whole buffer. */
		TOO_LARGE,

		/** The connection is stopped. */
		CLOSED

	}

}
