package dev.mqttspring.architecture.internal;

/**
 * Uses {@link NeedlesslyPublic} from the same package.
 */
class SamePackageUser {

	private final NeedlesslyPublic used = new NeedlesslyPublic();

	@Override
	public String toString() {
		return this.used.toString();
	}

}
