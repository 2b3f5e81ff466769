package dev.mqttspring.paho;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastSocketFactory}: TCP_NODELAY on every socket, buffered input on
 * plain sockets, TLS kept under an SSL factory.
 */
class FastSocketFactoryTests {

	@Test
	void plainSocketsHaveNoDelayAndBufferedInput() throws Exception {
		SocketFactory factory = FastSocketFactory.wrap(SocketFactory.getDefault());
		assertThat(factory).isNotInstanceOf(SSLSocketFactory.class);
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		try (ServerSocket server = new ServerSocket(0, 1, loopback); Socket socket = factory.createSocket()) {
			socket.connect(new InetSocketAddress(loopback, server.getLocalPort()), 2000);
			assertThat(socket.getTcpNoDelay()).isTrue();
			try (Socket accepted = server.accept(); OutputStream out = accepted.getOutputStream()) {
				out.write(new byte[] { 1, 2, 3 });
				out.flush();
				InputStream input = socket.getInputStream();
				assertThat(input).isSameAs(socket.getInputStream());
				assertThat(input.read()).isEqualTo(1);
				assertThat(input.read(new byte[2])).isEqualTo(2);
			}
		}
	}

	@Test
	void connectedPlainSocketsHaveNoDelay() throws Exception {
		SocketFactory factory = FastSocketFactory.wrap(SocketFactory.getDefault());
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		try (ServerSocket server = new ServerSocket(0, 1, loopback);
				Socket socket = factory.createSocket(loopback, server.getLocalPort())) {
			assertThat(socket.getTcpNoDelay()).isTrue();
		}
	}

	@Test
	void sslSocketsHaveNoDelay() throws Exception {
		SocketFactory factory = FastSocketFactory.wrap(SSLContext.getDefault().getSocketFactory());
		assertThat(factory).isInstanceOf(SSLSocketFactory.class);
		try (Socket socket = factory.createSocket()) {
			assertThat(socket.getTcpNoDelay()).isTrue();
		}
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		try (ServerSocket server = new ServerSocket(0, 1, loopback);
				Socket plain = new Socket(loopback, server.getLocalPort());
				Socket layered = ((SSLSocketFactory) factory).createSocket(plain, "127.0.0.1", server.getLocalPort(), true)) {
			assertThat(layered.getTcpNoDelay()).isTrue();
			assertThat(plain.getTcpNoDelay()).isTrue();
		}
	}

}
