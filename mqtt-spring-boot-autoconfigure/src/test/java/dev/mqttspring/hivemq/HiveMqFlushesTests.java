package dev.mqttspring.hivemq;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.junit.jupiter.api.Test;

import dev.mqttspring.listener.ListenerTestSupport;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flush consolidation of the HiveMQ backend's channel: installed once at the head of
 * the pipeline, and acknowledgements made on other threads (as the listener workers make
 * them) and publishes still reach the broker. The broker sends at most 5 unacknowledged
 * messages, so all 40 arrive only if every deferred flush goes out.
 */
class HiveMqFlushesTests {

	private static final int MESSAGES = 40;

	@Test
	void consolidatesOnceAtTheHeadAndDeferredFlushesReachTheBroker() throws Exception {
		ExecutorService worker = Executors.newSingleThreadExecutor();
		try (MosquittoBroker broker = MosquittoBroker.builder().maxInflightMessages(5).start()) {
			Mqtt5AsyncClient subscriber = connect(broker, "flushes-sub");
			Mqtt5AsyncClient publisher = connect(broker, "flushes-pub");
			try {
				assertThat(HiveMqFlushes.consolidate(subscriber)).isTrue();
				assertThat(HiveMqFlushes.consolidate(subscriber)).isTrue();
				assertThat(HiveMqFlushes.consolidate(publisher)).isTrue();
				Channel channel = ((com.hivemq.client.internal.mqtt.MqttClientConnectionConfig) subscriber.getConfig()
					.getConnectionConfig()
					.orElseThrow()).getChannel();
				assertThat(channel.pipeline().first()).isInstanceOf(FlushConsolidationHandler.class);
				assertThat(channel.pipeline().names().stream().filter(HiveMqFlushes.HANDLER_NAME::equals)).hasSize(1);

				Set<String> received = ConcurrentHashMap.newKeySet();
				subscriber.publishes(MqttGlobalPublishFilter.ALL, (publish) -> worker.execute(() -> {
					received.add(new String(publish.getPayloadAsBytes()));
					publish.acknowledge();
				}), true);
				subscriber.subscribeWith().topicFilter("flushes/#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
				for (int i = 0; i < MESSAGES; i++) {
					publisher.publishWith().topic("flushes/" + i).qos(MqttQos.AT_LEAST_ONCE).payload(("m" + i).getBytes())
						.send()
						.get(10, TimeUnit.SECONDS);
				}
				await().atMost(ListenerTestSupport.timeout()).until(() -> received.size() == MESSAGES);
			}
			finally {
				subscriber.disconnect();
				publisher.disconnect();
			}
		}
		finally {
			worker.shutdownNow();
		}
	}

	private static Mqtt5AsyncClient connect(MosquittoBroker broker, String id) throws Exception {
		Mqtt5AsyncClient client = MqttClient.builder()
			.useMqttVersion5()
			.identifier(id)
			.serverHost("127.0.0.1")
			.serverPort(broker.port())
			.buildAsync();
		client.connect().get(10, TimeUnit.SECONDS);
		return client;
	}

}
