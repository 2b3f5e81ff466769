package dev.mqttspring.client.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts unacknowledged publishes and makes callers wait for a free slot, so that a burst
 * never hits the client library's "too many publishes in progress" error.
 */
final class InflightWindow {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition available = this.lock.newCondition();

	private int limit;

	private int inUse;

	private int waiting;

	InflightWindow(int limit) {
		this.limit = Math.max(1, limit);
	}

	boolean acquire(long timeoutNanos) throws InterruptedException {
		long remaining = timeoutNanos;
		this.lock.lock();
		try {
			while (this.inUse >= this.limit) {
				if (remaining <= 0) {
					return false;
				}
				this.waiting++;
				try {
					remaining = this.available.awaitNanos(remaining);
				}
				finally {
					this.waiting--;
				}
			}
			this.inUse++;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean tryAcquire() {
		this.lock.lock();
		try {
			if (this.inUse >= this.limit) {
				return false;
			}
			this.inUse++;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Free a slot.
	 * @return the number of free slots after it
	 */
	int release() {
		this.lock.lock();
		try {
			if (this.inUse > 0) {
				this.inUse--;
			}
			// waiters are woken once a batch of slots is free, not once per acknowledgement:
			// a full window otherwise costs a thread wake-up per message
			if (this.waiting > 0 && this.limit - this.inUse >= Math.max(1, this.limit / 8)) {
				this.available.signalAll();
			}
			return this.limit - this.inUse;
		}
		finally {
			this.lock.unlock();
		}
	}

	void reset() {
		this.lock.lock();
		try {
			this.inUse = 0;
			this.available.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	void setLimit(int limit) {
		this.lock.lock();
		try {
			this.limit = Math.max(1, limit);
			this.available.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	int limit() {
		return this.limit;
	}

	int inUse() {
		return this.inUse;
	}

	static long nanos(java.time.Duration duration) {
		return TimeUnit.MILLISECONDS.toNanos(duration.toMillis());
	}

}
