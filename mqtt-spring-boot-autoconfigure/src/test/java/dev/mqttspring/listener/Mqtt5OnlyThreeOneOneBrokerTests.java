package dev.mqttspring.listener;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker that speaks only MQTT 3.1.1 (RabbitMQ's MQTT plugin 3.10 as Debian ships it)
 * closes the connection when it reads an MQTT 5 CONNECT, without a CONNACK. The failure
 * says what to set. The listening socket below does what RabbitMQ 3.10 was seen doing on
 * the wire: read the CONNECT, close.
 */
class Mqtt5OnlyThreeOneOneBrokerTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void mqtt5ConnectClosedWithoutConnackSuggestsMqtt311(String library) throws Exception {
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread closer = new Thread(() -> closeEveryConnectionAfterItsFirstBytes(server), "three-one-one-only-broker");
			closer.setDaemon(true);
			closer.start();
			ListenerTestSupport.runner("tcp://127.0.0.1:" + server.getLocalPort(), "5", ListenerTestSupport.prefix())
				.withPropertyValues("mqtt.fail-fast=true", "mqtt.client-library=" + library, "mqtt.connection-timeout=5s")
				.run((context) -> assertThat(context).getFailure()
					.rootCause()
					.satisfiesAnyOf((ex) -> assertThat(ex).hasMessageContaining("set mqtt.version=3.1.1"),
							(ex) -> assertThat(context.getStartupFailure()).hasStackTraceContaining("set mqtt.version=3.1.1")));
		}
	}

	private static void closeEveryConnectionAfterItsFirstBytes(ServerSocket server) {
		while (!server.isClosed()) {
			try (Socket socket = server.accept()) {
				InputStream in = socket.getInputStream();
				in.read(new byte[256]);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

}
