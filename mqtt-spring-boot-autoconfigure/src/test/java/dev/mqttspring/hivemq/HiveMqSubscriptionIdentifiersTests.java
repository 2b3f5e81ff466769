package dev.mqttspring.hivemq;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.reactivex.schedulers.Schedulers;
import org.junit.jupiter.api.Test;

import dev.mqttspring.listener.ListenerTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pins the HiveMQ MQTT client internals that {@link HiveMqSubscriptionIdentifiers} reads:
 * with the client version of the build, each copy that mosquitto sends per matching MQTT 5
 * subscription names the filter it was sent for. A client upgrade that changes the
 * internals fails here (the connection then falls back to matching topics, and overlapping
 * filters deliver duplicates on such brokers).
 */
class HiveMqSubscriptionIdentifiersTests {

	@Test
	void internalsAreReadableWithTheClientVersionOfTheBuild() {
		assertThat(HiveMqSubscriptionIdentifiers.isAvailable()).isTrue();
	}

	@Test
	void eachCopyNamesTheFilterItWasSentFor() throws Exception {
		URI uri = URI.create(ListenerTestSupport.url("mosquitto"));
		String prefix = ListenerTestSupport.prefix();
		Mqtt5AsyncClient client = MqttClient.builder()
			.identifier("ids-" + System.nanoTime())
			.serverHost(uri.getHost())
			.serverPort(uri.getPort())
			.executorConfig()
			.applicationScheduler(Schedulers.from(Runnable::run))
			.applyExecutorConfig()
			.useMqttVersion5()
			.buildAsync();
		HiveMqSubscriptionIdentifiers identifiers = new HiveMqSubscriptionIdentifiers();
		List<String> received = new CopyOnWriteArrayList<>();
		client.toRx().publishes(MqttGlobalPublishFilter.ALL, true).subscribe((publish) -> {
			received.add(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8) + " "
					+ identifiers.filters(publish));
			publish.acknowledge();
		});
		client.connect().get(10, TimeUnit.SECONDS);
		try {
			String plus = prefix + "/+/t";
			String hash = prefix + "/#";
			String shared = "$share/g/" + prefix + "/a/+";
			for (String filter : List.of(plus, hash, shared)) {
				client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
			}
			client.publishWith().topic(prefix + "/a/t").qos(MqttQos.AT_LEAST_ONCE).payload("m".getBytes()).send()
				.get(10, TimeUnit.SECONDS);
			await().atMost(ListenerTestSupport.timeout())
				.untilAsserted(() -> assertThat(received).containsExactlyInAnyOrder("m [" + plus + "]", "m [" + hash + "]",
						"m [" + shared + "]"));
		}
		finally {
			client.disconnect().get(10, TimeUnit.SECONDS);
		}
	}

}
