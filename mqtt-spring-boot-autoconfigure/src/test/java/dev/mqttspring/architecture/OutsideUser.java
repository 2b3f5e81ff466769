package dev.mqttspring.architecture;

import dev.mqttspring.architecture.internal.UsedFromOutside;

/**
 * Uses a public internal type from another package, as a backend does.
 */
class OutsideUser {

	private final UsedFromOutside used = new UsedFromOutside();

	@Override
	public String toString() {
		return this.used.toString();
	}

}
