package dev.mqttspring.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

import dev.mqttspring.paho.BenchmarkSocketFactories;

/**
 * Socket factories given to the raw Paho contenders.
 */
final class SocketFactories {

	private SocketFactories() {
	}

	/**
	 * The starter's own factory: TCP_NODELAY plus a 64 KiB {@code BufferedInputStream}
	 * around the socket's input.
	 * @return the factory
	 */
	static SocketFactory buffered() {
		return BenchmarkSocketFactories.starter();
	}

	/**
	 * Only TCP_NODELAY: Paho reads the socket's raw input stream.
	 * @return the factory
	 */
	static SocketFactory noDelay() {
		return new NoDelaySocketFactory();
	}

	private static final class NoDelaySocketFactory extends SocketFactory {

		private final SocketFactory delegate = SocketFactory.getDefault();

		@Override
		public Socket createSocket() throws IOException {
			return noDelay(this.delegate.createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return noDelay(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return noDelay(this.delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return noDelay(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return noDelay(this.delegate.createSocket(address, port, localAddress, localPort));
		}

		private static Socket noDelay(Socket socket) throws IOException {
			socket.setTcpNoDelay(true);
			return socket;
		}

	}

}
