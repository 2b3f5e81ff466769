package dev.mqttspring.embedded;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoopbackPorts}.
 */
class LoopbackPortsTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	@Test
	void resolvesLoopbackHostsOnly() {
		assertThat(LoopbackPorts.resolve("localhost").isLoopbackAddress()).isTrue();
		assertThat(LoopbackPorts.resolve("[::1]").getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
		assertThatIllegalArgumentException().isThrownBy(() -> LoopbackPorts.resolve("192.0.2.1"))
			.withMessage("The embedded MQTT broker only binds to loopback addresses, not to '192.0.2.1'");
		assertThatIllegalArgumentException().isThrownBy(() -> LoopbackPorts.resolve("no-such-host.invalid"))
			.withMessageContaining("Unknown host 'no-such-host.invalid'");
	}

	@Test
	void picksTwoDifferentFreePortsAndKeepsFixedOnes() {
		int[] random = LoopbackPorts.pickFree(LOOPBACK, EmbeddedMqttBroker.RANDOM_PORT, EmbeddedMqttBroker.RANDOM_PORT);
		assertThat(random[0]).isPositive().isNotEqualTo(random[1]);
		assertThat(random[1]).isPositive();
		assertThat(LoopbackPorts.pickFree(LOOPBACK, 1883, EmbeddedMqttBroker.WEBSOCKET_DISABLED))
			.containsExactly(1883, EmbeddedMqttBroker.WEBSOCKET_DISABLED);
		int[] mixed = LoopbackPorts.pickFree(LOOPBACK, 1883, EmbeddedMqttBroker.RANDOM_PORT);
		assertThat(mixed[0]).isEqualTo(1883);
		assertThat(mixed[1]).isPositive();
	}

	@Test
	void tellsWhetherSomethingListens() throws Exception {
		int port;
		try (ServerSocket listening = new ServerSocket()) {
			listening.bind(new InetSocketAddress(LOOPBACK, 0));
			port = listening.getLocalPort();
			assertThat(LoopbackPorts.isListening(LOOPBACK, port)).isTrue();
		}
		assertThat(LoopbackPorts.isListening(LOOPBACK, port)).isFalse();
	}

}
