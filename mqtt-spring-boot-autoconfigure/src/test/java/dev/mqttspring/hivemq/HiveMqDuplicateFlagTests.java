package dev.mqttspring.hivemq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.paho.PahoConnections;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DUP flag of a received message ({@code MqttInboundMessage.isDuplicate()}, header
 * {@code mqtt_duplicate}) on both client libraries, for a QoS 1 message that mosquitto
 * sends again to a new connection of the same persistent session (mosquitto 2.0 sets DUP
 * on that resend with MQTT 3.1.1, not with MQTT 5). The HiveMQ client's public API has no
 * DUP flag; {@link HiveMqDuplicateFlag} reads it from the client's internal packet, and
 * these tests pin that for the client version of the build.
 */
class HiveMqDuplicateFlagTests {

	@Test
	void theClientInternalsThatHoldTheFlagAreReadable() {
		assertThat(HiveMqDuplicateFlag.isAvailable()).isTrue();
		assertThat(HiveMqDuplicateFlag.isDuplicate(new Object())).isFalse();
	}

	@ParameterizedTest(name = "{0}: duplicate = {1}")
	@CsvSource({ "paho, true", "hivemq, true" })
	void resentMessageOfAPersistentSession(String library, boolean expectedDuplicate) throws Exception {
		String topic = "duplicate-flag/" + UUID.randomUUID();
		String clientId = "dup-" + UUID.randomUUID().toString().substring(0, 8);
		List<Boolean> duplicates = new CopyOnWriteArrayList<>();
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			MqttConnection first = start(library, proxy.url(), clientId);
			MqttConnection publisher = start("paho", broker.url(), "dup-publisher-" + clientId);
			try {
				// the first connection never acknowledges: the broker keeps the message in flight
				first.subscribe(new MqttSubscription(topic, 1, (message) -> duplicates.add(message.isDuplicate()), "first"))
					.get(10, TimeUnit.SECONDS);
				publisher.publish(new MqttOutboundMessage(topic, "once".getBytes(StandardCharsets.UTF_8), 1, false,
						MqttMessageProperties.NONE)).get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10)).until(() -> duplicates.size() == 1);
				// a crash: nothing the first connection does from here reaches the broker
				proxy.refuseNew(true);
				proxy.resetAll();
				stop(first);
				proxy.refuseNew(false);
				MqttConnection second = start(library, proxy.url(), clientId);
				try {
					second.subscribe(new MqttSubscription(topic, 1, (message) -> {
						duplicates.add(message.isDuplicate());
						message.acknowledge();
					}, "second")).get(10, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(10)).until(() -> duplicates.size() == 2);
					assertThat(duplicates).containsExactly(false, expectedDuplicate);
				}
				finally {
					stop(second);
				}
			}
			finally {
				stop(publisher);
			}
		}
	}

	private static MqttConnection start(String library, String url, String clientId) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of(url));
		settings.setClientId(clientId);
		settings.setVersion(MqttVersion.V3_1_1);
		settings.setCleanStart(false);
		settings.setFailFast(true);
		settings.setAutomaticReconnect(false);
		MqttConnection connection = "paho".equals(library) ? PahoConnections.create(settings)
				: HiveMqConnections.create(settings);
		((SmartLifecycle) connection).start();
		return connection;
	}

	private static void stop(MqttConnection connection) {
		((SmartLifecycle) connection).stop();
	}

}
