package dev.mqttspring.benchmarks;

import java.net.URI;

/**
 * The benchmark broker's address.
 *
 * @param url the {@code tcp://host:port} URL
 * @param host the host
 * @param port the port
 */
record Broker(String url, String host, int port) {

	static Broker of(String url) {
		URI uri = URI.create(url);
		if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
			throw new IllegalArgumentException("Benchmarks only use loopback brokers, not " + url);
		}
		return new Broker(url, uri.getHost(), uri.getPort());
	}

}
