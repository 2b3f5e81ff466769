package dev.mqttspring.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounds the number of unacknowledged publishes (1000, like the broker's in-flight
 * limit) and remembers the first failure.
 */
final class PublishWindow {

	static final int SIZE = 1000;

	private static final long ACQUIRE_TIMEOUT_MILLIS = 30_000;

	private final Semaphore permits = new Semaphore(SIZE);

	private final AtomicLong failures = new AtomicLong();

	private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

	void acquire() throws InterruptedException, TimeoutException {
		if (!this.permits.tryAcquire(ACQUIRE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
			throw new TimeoutException("No publish acknowledged for " + ACQUIRE_TIMEOUT_MILLIS + " ms with " + SIZE
					+ " outstanding" + failureSuffix());
		}
	}

	void release() {
		this.permits.release();
	}

	void failed(Throwable failure) {
		this.failures.incrementAndGet();
		this.firstFailure.compareAndSet(null, failure);
		this.permits.release();
	}

	void awaitEmpty(long timeoutMillis) throws InterruptedException, TimeoutException {
		if (!this.permits.tryAcquire(SIZE, timeoutMillis, TimeUnit.MILLISECONDS)) {
			throw new TimeoutException((SIZE - this.permits.availablePermits()) + " publishes still unacknowledged after "
					+ timeoutMillis + " ms" + failureSuffix());
		}
		this.permits.release(SIZE);
		if (this.failures.get() > 0) {
			throw new IllegalStateException(this.failures.get() + " publishes failed" + failureSuffix(),
					this.firstFailure.get());
		}
	}

	private String failureSuffix() {
		Throwable failure = this.firstFailure.get();
		return (failure != null) ? "; first failure: " + failure : "";
	}

}
