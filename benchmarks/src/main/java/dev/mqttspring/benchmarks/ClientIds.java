package dev.mqttspring.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique client identifiers for one benchmark JVM.
 */
final class ClientIds {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private ClientIds() {
	}

	static String next(String prefix) {
		return "bench-" + prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
	}

}
