package dev.mqttspring.paho;

import javax.net.SocketFactory;

/**
 * Gives the benchmarks the starter's package-private {@link FastSocketFactory}, so raw
 * Paho can be measured with exactly the socket the starter uses.
 */
public final class BenchmarkSocketFactories {

	private BenchmarkSocketFactories() {
	}

	/**
	 * Return the starter's socket factory around the default one.
	 * @return the factory
	 */
	public static SocketFactory starter() {
		return FastSocketFactory.wrap(SocketFactory.getDefault());
	}

}
