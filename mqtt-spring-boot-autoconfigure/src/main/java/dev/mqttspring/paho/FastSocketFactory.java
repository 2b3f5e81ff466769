package dev.mqttspring.paho;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories that turn on TCP_NODELAY (one socket carries publishes and
 * acknowledgements both ways; with Nagle's algorithm on, small acknowledgements wait for
 * delayed ACKs) and buffer the plain socket's input, since the client reads packet headers
 * a byte at a time. TLS sockets offer the configured application protocols (ALPN).
 */
final class FastSocketFactory {

	private static final int INPUT_BUFFER = 64 * 1024;

	private FastSocketFactory() {
	}

	static SocketFactory wrap(SocketFactory factory) {
		return wrap(factory, List.of());
	}

	static SocketFactory wrap(SocketFactory factory, List<String> applicationProtocols) {
		if (factory instanceof SSLSocketFactory ssl) {
			return new NoDelaySslSocketFactory(ssl, applicationProtocols.toArray(new String[0]));
		}
		return new PlainSocketFactory(factory);
	}

	private static Socket noDelay(Socket socket) throws IOException {
		socket.setTcpNoDelay(true);
		return socket;
	}

	/**
	 * A plain socket whose input stream is buffered.
	 */
	static final class BufferedSocket extends Socket {

		private InputStream input;

		BufferedSocket() throws IOException {
			setTcpNoDelay(true);
		}

		@Override
		public synchronized InputStream getInputStream() throws IOException {
			if (this.input == null) {
				this.input = new BufferedInputStream(super.getInputStream(), INPUT_BUFFER);
			}
			return this.input;
		}

	}

	private static final class PlainSocketFactory extends SocketFactory {

		private final SocketFactory delegate;

		PlainSocketFactory(SocketFactory delegate) {
			this.delegate = delegate;
		}

		@Override
		public Socket createSocket() throws IOException {
			if (this.delegate == SocketFactory.getDefault()) {
				return new BufferedSocket();
			}
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

	}

	private static final class NoDelaySslSocketFactory extends SSLSocketFactory {

		private final SSLSocketFactory delegate;

		private final String[] applicationProtocols;

		NoDelaySslSocketFactory(SSLSocketFactory delegate, String[] applicationProtocols) {
			this.delegate = delegate;
			this.applicationProtocols = applicationProtocols;
		}

		/**
		 * Offer the application protocols in the handshake, through a socket that keeps them
		 * when Paho replaces the socket's parameters.
		 */
		private Socket prepare(Socket socket) throws IOException {
			noDelay(socket);
			if (this.applicationProtocols.length > 0 && socket instanceof SSLSocket ssl) {
				return new AlpnSslSocket(ssl, this.applicationProtocols);
			}
			return socket;
		}

		@Override
		public String[] getDefaultCipherSuites() {
			return this.delegate.getDefaultCipherSuites();
		}

		@Override
		public String[] getSupportedCipherSuites() {
			return this.delegate.getSupportedCipherSuites();
		}

		@Override
		public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
			socket.setTcpNoDelay(true);
			return prepare(this.delegate.createSocket(socket, host, port, autoClose));
		}

		@Override
		public Socket createSocket() throws IOException {
			return prepare(this.delegate.createSocket());
		}

		@Override
		public Socket createSocket(String host, int port) throws IOException {
			return prepare(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
			return prepare(this.delegate.createSocket(host, port, localHost, localPort));
		}

		@Override
		public Socket createSocket(InetAddress host, int port) throws IOException {
			return prepare(this.delegate.createSocket(host, port));
		}

		@Override
		public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
				throws IOException {
			return prepare(this.delegate.createSocket(address, port, localAddress, localPort));
		}

	}

}
