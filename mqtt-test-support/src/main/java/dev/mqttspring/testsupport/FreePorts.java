package dev.mqttspring.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds free TCP ports on the loopback interface.
 */
public final class FreePorts {

	private FreePorts() {
	}

	/**
	 * Returns a TCP port on 127.0.0.1 that was free at the time of the call.
	 * @return a free loopback port
	 */
	public static int find() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(loopback(), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free TCP port on 127.0.0.1", ex);
		}
	}

	/**
	 * Returns whether a listening socket can currently be bound to the given port on 127.0.0.1.
	 * @param port the port to probe
	 * @return {@code true} if the port can be bound
	 */
	public static boolean isBindable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(loopback(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static InetAddress loopback() {
		try {
			return InetAddress.getByAddress("127.0.0.1", new byte[] { 127, 0, 0, 1 });
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not resolve 127.0.0.1", ex);
		}
	}

}
