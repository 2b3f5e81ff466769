package dev.mqttspring.paho;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of QoS 2 publishes over MQTT 3.1.1, and Paho's resend of everything in flight
 * after a reconnect, stay within the in-flight quota mosquitto enforces without being able
 * to announce it (exceeding it drops the connection, again on every reconnect).
 */
class PahoV3InflightQuotaTests {

	private static final int MESSAGES = 300;

	@Test
	void qos2BurstAndResendAfterACutStayWithinTheBrokersQuota() throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			MqttConnectionSettings settings = new MqttConnectionSettings();
			settings.setServerUris(List.of(proxy.url()));
			settings.setClientId("v3-quota-" + UUID.randomUUID().toString().substring(0, 8));
			settings.setVersion(MqttVersion.V3_1_1);
			settings.setCleanStart(false);
			settings.setOfflineBufferSize(MESSAGES);
			settings.setPublishTimeout(Duration.ofSeconds(30));
			MqttConnection connection = PahoConnections.create(settings);
			((DefaultMqttConnection) connection).start();
			try {
				assertThat(connection.getBrokerLimits().receiveMaximum()).isEqualTo(MqttBrokerLimits.MQTT_3_1_1_RECEIVE_MAXIMUM);
				String topic = "v3-quota/" + UUID.randomUUID();
				List<CompletableFuture<Void>> futures = new ArrayList<>(MESSAGES);
				for (int i = 0; i < MESSAGES; i++) {
					futures.add(connection
						.publish(new MqttOutboundMessage(topic, new byte[] { 1 }, 2, false, MqttMessageProperties.NONE)));
				}
				await().atMost(Duration.ofSeconds(20))
					.until(() -> futures.stream().filter(CompletableFuture::isDone).count() >= MESSAGES / 3);
				proxy.resetAll();
				await().atMost(Duration.ofSeconds(30)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
				assertThat(futures).allMatch((future) -> !future.isCompletedExceptionally());
				await().atMost(Duration.ofSeconds(10)).until(() -> connection.getState() == MqttConnectionState.CONNECTED);
				assertThat(connection.getReconnectCount()).as("reconnects (one for the cut)").isEqualTo(1);
			}
			finally {
				((DefaultMqttConnection) connection).stop();
			}
		}
	}

}
