package dev.mqttspring.paho;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker that accepts the socket but never answers CONNECT (frozen, restarting) must
 * not leave the connection CONNECTING forever: the attempt is aborted and retried.
 */
class ConnackWatchdogTests {

	@ParameterizedTest
	@EnumSource(MqttVersion.class)
	void connectWithoutConnackIsAbortedAndRetried(MqttVersion version) {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
			proxy.blackhole(true);
			MqttConnectionSettings settings = new MqttConnectionSettings();
			settings.setServerUris(List.of(proxy.url()));
			settings.setClientId("watchdog-" + UUID.randomUUID());
			settings.setVersion(version);
			settings.setConnectionTimeout(Duration.ofSeconds(1));
			settings.setReconnectMinDelay(Duration.ofMillis(200));
			settings.setReconnectMaxDelay(Duration.ofMillis(500));
			DefaultMqttConnection connection = (DefaultMqttConnection) PahoConnections.create(settings);
			connection.start();
			try {
				MqttConnection seam = connection;
				assertThat(seam.getState()).isNotEqualTo(MqttConnectionState.CONNECTED);
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(seam.getLastFailure()).contains("no CONNACK"));
				proxy.blackhole(false);
				proxy.resetAll();
				await().atMost(Duration.ofSeconds(20)).until(seam::isConnected);
			}
			finally {
				connection.stop();
			}
		}
	}

}
