package dev.mqttspring.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FreePorts}.
 */
class FreePortsTests {

	@Test
	void findReturnsBindableLoopbackPort() throws IOException {
		int port = FreePorts.find();
		assertThat(port).isBetween(1, 65535);
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
			assertThat(FreePorts.isBindable(port)).isFalse();
		}
		assertThat(FreePorts.isBindable(port)).isTrue();
	}

}
