package dev.mqttspring.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpProxy}.
 */
class TcpProxyTests {

	private ServerSocket echoServer;

	private Thread echoThread;

	@BeforeEach
	void startEchoServer() throws IOException {
		this.echoServer = new ServerSocket(0, 50, FreePorts.loopback());
		this.echoThread = new Thread(() -> {
			while (!this.echoServer.isClosed()) {
				try {
					Socket socket = this.echoServer.accept();
					Thread echo = new Thread(() -> {
						try (socket) {
							socket.getInputStream().transferTo(socket.getOutputStream());
						}
						catch (IOException ex) {
							// connection aborted
						}
					}, "echo-connection");
					echo.setDaemon(true);
					echo.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "echo-server");
		this.echoThread.setDaemon(true);
		this.echoThread.start();
	}

	@AfterEach
	void stopEchoServer() throws Exception {
		this.echoServer.close();
		this.echoThread.join(2_000);
	}

	@Test
	void forwardsBytesInBothDirections() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.echoServer.getLocalPort());
				Socket socket = connect(proxy)) {
			assertThat(proxy.url()).isEqualTo("tcp://127.0.0.1:" + proxy.port());
			assertThat(echo(socket, "hello")).isEqualTo("hello");
			assertThat(proxy.connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void forwardsMqttToMosquitto() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port());
				RawMqtt client = RawMqtt.open(proxy.port())) {
			assertThat(client.connect("via-proxy", null, null)).isZero();
			assertThat(proxy.connectionCount()).isEqualTo(1);
			proxy.resetAll();
			assertThat(catchThrowable(() -> client.subscribe("after/reset"))).isInstanceOf(IOException.class);
		}
	}

	@Test
	void resetAllAbortsOpenConnections() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.echoServer.getLocalPort());
				Socket socket = connect(proxy)) {
			assertThat(echo(socket, "before")).isEqualTo("before");
			proxy.resetAll();
			assertThat(proxy.connectionCount()).isZero();
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> {
				socket.getInputStream().read();
			}).withMessageContaining("reset");
			try (Socket again = connect(proxy)) {
				assertThat(echo(again, "after")).isEqualTo("after");
			}
		}
	}

	@Test
	void blackholeDiscardsTrafficButKeepsConnectionsOpen() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.echoServer.getLocalPort());
				Socket socket = connect(proxy)) {
			assertThat(echo(socket, "a")).isEqualTo("a");
			proxy.blackhole(true);
			socket.getOutputStream().write("lost".getBytes());
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(proxy.connectionCount()).isEqualTo(1);
			proxy.blackhole(false);
			socket.setSoTimeout(5_000);
			assertThat(echo(socket, "b")).isEqualTo("b");
		}
	}

	@Test
	void refuseNewClosesNewConnectionsImmediately() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", this.echoServer.getLocalPort());
				Socket existing = connect(proxy)) {
			assertThat(echo(existing, "x")).isEqualTo("x");
			proxy.refuseNew(true);
			try (Socket refused = connect(proxy)) {
				Throwable failure = catchThrowable(() -> assertThat(refused.getInputStream().read()).isEqualTo(-1));
				assertThat(failure).satisfiesAnyOf((error) -> assertThat(error).isNull(),
						(error) -> assertThat(error).isInstanceOf(SocketException.class));
			}
			assertThat(echo(existing, "still")).isEqualTo("still");
			proxy.refuseNew(false);
			try (Socket accepted = connect(proxy)) {
				assertThat(echo(accepted, "y")).isEqualTo("y");
			}
		}
	}

	@Test
	void closeReleasesPortConnectionsAndThreads() throws IOException {
		TcpProxy proxy = TcpProxy.start("127.0.0.1", this.echoServer.getLocalPort());
		int port = proxy.port();
		try (Socket socket = connect(proxy)) {
			assertThat(echo(socket, "z")).isEqualTo("z");
			proxy.close();
			assertThat(proxy.connectionCount()).isZero();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
			await().atMost(Duration.ofSeconds(5))
				.until(() -> Thread.getAllStackTraces()
					.keySet()
					.stream()
					.noneMatch((thread) -> thread.getName().matches("tcp-proxy-\\d+-" + port + "->.*")));
		}
	}

	private static Socket connect(TcpProxy proxy) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2_000);
		socket.setSoTimeout(5_000);
		return socket;
	}

	private static String echo(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes());
		InputStream in = socket.getInputStream();
		return new String(in.readNBytes(text.length()));
	}

}
