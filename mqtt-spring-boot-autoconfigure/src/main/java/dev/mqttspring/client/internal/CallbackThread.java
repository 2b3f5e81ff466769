package dev.mqttspring.client.internal;

/**
 * Marks the threads that run client-library callbacks (deliveries, completions, connection
 * events) and what they notify: a publish made there never waits for room in the offline
 * buffer, because such a thread is the one that must run for room to appear.
 */
final class CallbackThread {

	private static final ThreadLocal<Boolean> CURRENT = new ThreadLocal<>();

	private CallbackThread() {
	}

	/**
	 * Whether the current thread runs a client-library callback.
	 * @return whether it does
	 */
	public static boolean isCurrent() {
		return CURRENT.get() != null;
	}

	/**
	 * Run an action as a client-library callback.
	 * @param action the action
	 */
	public static void run(Runnable action) {
		if (CURRENT.get() != null) {
			action.run();
			return;
		}
		CURRENT.set(Boolean.TRUE);
		try {
			action.run();
		}
		finally {
			CURRENT.remove();
		}
	}

}
