package dev.mqttspring.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loopback address checks and port probing for the embedded broker: resolving the bind
 * address, picking free ports and checking that a listener accepts connections.
 */
final class LoopbackPorts {

	private static final int CONNECT_TIMEOUT_MILLIS = 2000;

	private LoopbackPorts() {
	}

	/**
	 * Resolve a host (an IP literal, possibly in brackets, or a name) that must be a
	 * loopback address.
	 * @param host the host
	 * @return the address
	 * @throws IllegalArgumentException if the host is unknown or not a loopback address
	 */
	static InetAddress resolve(String host) {
		Objects.requireNonNull(host, "host must not be null");
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		InetAddress address;
		try {
			address = InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Unknown host '" + host + "'", ex);
		}
		if (!address.isLoopbackAddress()) {
			throw new IllegalArgumentException(
					"The embedded MQTT broker only binds to loopback addresses, not to '" + host + "'");
		}
		return address;
	}

	/**
	 * Replace each {@link EmbeddedMqttBroker#RANDOM_PORT} by a free port; the picked ports
	 * differ from each other.
	 * @param address the bind address
	 * @param tcpPort the TCP port or {@link EmbeddedMqttBroker#RANDOM_PORT}
	 * @param wsPort the WebSocket port, {@link EmbeddedMqttBroker#RANDOM_PORT} or
	 * {@link EmbeddedMqttBroker#WEBSOCKET_DISABLED}
	 * @return the TCP and WebSocket ports
	 */
	static int[] pickFree(InetAddress address, int tcpPort, int wsPort) {
		// keep the sockets open until both ports are known so that they differ
		List<ServerSocket> sockets = new ArrayList<>(2);
		try {
			int tcp = (tcpPort != EmbeddedMqttBroker.RANDOM_PORT) ? tcpPort : reserve(address, sockets);
			int ws = (wsPort != EmbeddedMqttBroker.RANDOM_PORT) ? wsPort : reserve(address, sockets);
			return new int[] { tcp, ws };
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Could not find a free port on " + address.getHostAddress() + ": " + ex, ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// ignore
				}
			}
		}
	}

	/**
	 * Whether something accepts TCP connections on the port.
	 * @param address the address
	 * @param port the port
	 * @return {@code true} if a connection could be opened
	 */
	static boolean isListening(InetAddress address, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int reserve(InetAddress address, List<ServerSocket> sockets) throws IOException {
		ServerSocket socket = new ServerSocket();
		sockets.add(socket);
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(address, 0), 1);
		return socket.getLocalPort();
	}

}
