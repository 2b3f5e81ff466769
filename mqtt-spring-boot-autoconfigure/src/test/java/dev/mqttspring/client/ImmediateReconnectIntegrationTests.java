package dev.mqttspring.client;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.paho.PahoConnections;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first reconnect attempt after losing a connection that lasted is immediate: with a
 * reconnect delay of 20 s, a dropped connection to a broker that is still up is back well
 * before the delay. Both client libraries.
 */
class ImmediateReconnectIntegrationTests {

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void firstAttemptAfterLosingALastingConnectionIsImmediate(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			MqttConnectionSettings settings = new MqttConnectionSettings();
			settings.setServerUris(List.of(proxy.url()));
			settings.setClientId("reconnect-test-" + UUID.randomUUID().toString().substring(0, 8));
			settings.setConnectionTimeout(Duration.ofSeconds(5));
			settings.setReconnectMinDelay(Duration.ofSeconds(20));
			settings.setReconnectMaxDelay(Duration.ofSeconds(30));
			settings.setFailFast(true);
			Function<MqttConnectionSettings, MqttConnection> factory = "hivemq".equals(library)
					? HiveMqConnections::create : PahoConnections::create;
			MqttConnection connection = factory.apply(settings);
			((SmartLifecycle) connection).start();
			try {
				assertThat(connection.isConnected()).isTrue();
				// a connection lost sooner than 2 s after it was made waits the back-off
				await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(5)).until(() -> true);
				proxy.resetAll();
				await().atMost(Duration.ofSeconds(10)).until(() -> connection.getReconnectCount() == 1);
				assertThat(connection.isConnected()).isTrue();
			}
			finally {
				((SmartLifecycle) connection).stop();
			}
		}
	}

}
