package dev.mqttspring.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Called by the generated listener methods of the scaling benchmark: listener 0 is the
 * only one whose filter matches the benchmark topic; a call to any other one is a
 * dispatch error.
 */
public final class ScalingSink {

	private volatile MessageSink target = (sequence, sentNanos) -> {
	};

	private final AtomicLong misdirected = new AtomicLong();

	void target(MessageSink target) {
		this.target = target;
	}

	long misdirected() {
		return this.misdirected.get();
	}

	/**
	 * Record a message received by a listener.
	 * @param listener the listener index
	 * @param payload the payload
	 */
	public void hit(int listener, byte[] payload) {
		if (listener == 0) {
			this.target.received(payload);
		}
		else {
			this.misdirected.incrementAndGet();
		}
	}

}
