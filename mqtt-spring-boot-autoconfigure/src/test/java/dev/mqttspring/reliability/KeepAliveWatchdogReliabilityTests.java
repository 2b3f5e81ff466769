package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The keep-alive watchdog: a healthy connection with a short keep-alive is never dropped,
 * whichever way the traffic flows, and a black-holed connection is dropped within 1.5 x
 * keep-alive.
 */
class KeepAliveWatchdogReliabilityTests {

	private static final Duration SHORT_KEEP_ALIVE = Duration.ofSeconds(1);

	private static final Duration OBSERVATION = Duration.ofSeconds(5);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	private static final Duration DETECTION_MARGIN = Duration.ofMillis(300);

	// HiveMQ: one ping handler and one probe for both protocol versions, so MQTT 3.1.1 runs idle only
	@ParameterizedTest(name = "{0}, MQTT {1}, {2}")
	@CsvSource({ "paho, 5, idle", "paho, 5, outbound-qos0", "paho, 5, inbound-qos0", "paho, 3.1.1, idle",
			"paho, 3.1.1, outbound-qos0", "paho, 3.1.1, inbound-qos0", "hivemq, 5, idle", "hivemq, 5, outbound-qos0",
			"hivemq, 5, inbound-qos0", "hivemq, 3.1.1, idle" })
	void healthyConnectionIsNeverDropped(String library, String version, String traffic) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String topic = ReliabilityApps.unique("reliability/keepalive");
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version,
						"mqtt.keep-alive=" + SHORT_KEEP_ALIVE.toSeconds() + "s", "mqtt.fail-fast=true")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					List<String> lost = new CopyOnWriteArrayList<>();
					connection.addConnectionListener(new MqttConnectionListener() {

						@Override
						public void connectionLost(String cause, int reasonCode) {
							lost.add(cause);
						}

					});
					AtomicLong received = new AtomicLong();
					AtomicLong sent = new AtomicLong();
					DefaultMqttListenerContainer container = null;
					ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
					MqttClient publisher = null;
					try {
						switch (traffic) {
							case "outbound-qos0" -> load.scheduleAtFixedRate(() -> {
								template.publish(topic, "out", 0, false);
								sent.incrementAndGet();
							}, 0, 10, TimeUnit.MILLISECONDS);
							case "inbound-qos0" -> {
								container = new DefaultMqttListenerContainer(connection, "keepalive-listener", List.of(topic),
										0, null, (message) -> received.incrementAndGet());
								container.start();
								await().atMost(Duration.ofSeconds(5)).until(() -> connection.getSubscriptions()
									.stream()
									.anyMatch((subscription) -> subscription.result() != null));
								publisher = externalPublisher(broker);
								MqttClient external = publisher;
								load.scheduleAtFixedRate(() -> {
									try {
										external.publish(topic, "in".getBytes(StandardCharsets.UTF_8), 0, false);
										sent.incrementAndGet();
									}
									catch (Exception ex) {
										throw new IllegalStateException(ex);
									}
								}, 0, 10, TimeUnit.MILLISECONDS);
							}
							default -> {
							}
						}
						long start = System.nanoTime();
						await().during(OBSERVATION).atMost(OBSERVATION.plusSeconds(2)).pollInterval(Duration.ofMillis(20))
							.until(() -> connection.getState() == MqttConnectionState.CONNECTED);
						System.out.printf(Locale.ROOT, "Keep-alive %s s, %s, MQTT %s, %s: %d ms connected, sent %d, received %d,"
								+ " reconnects %d%n", SHORT_KEEP_ALIVE.toSeconds(), ReliabilityApps.label(library), version, traffic, TimeUnit.NANOSECONDS
									.toMillis(System.nanoTime() - start), sent.get(), received.get(), connection.getReconnectCount());
						assertThat(lost).isEmpty();
						assertThat(connection.getReconnectCount()).isZero();
						if (traffic.equals("inbound-qos0")) {
							assertThat(received.get()).isGreaterThan(100);
						}
						if (!traffic.equals("idle")) {
							assertThat(sent.get()).isGreaterThan(100);
						}
					}
					finally {
						load.shutdownNow();
						load.awaitTermination(5, TimeUnit.SECONDS);
						if (publisher != null) {
							publisher.disconnectForcibly(100, 100);
							publisher.close();
						}
						if (container != null) {
							container.stop();
						}
					}
				});
		}
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("dev.mqttspring.reliability.ReliabilityApps#librariesAndVersions")
	void blackHoleIsDetectedWithinOneAndAHalfKeepAlive(String library, String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + proxy.url(), "mqtt.version=" + version,
						"mqtt.keep-alive=" + KEEP_ALIVE.toSeconds() + "s", "mqtt.fail-fast=true")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(10));
					long cutAt = System.nanoTime();
					proxy.blackhole(true);
					Duration detect;
					try {
						await().atMost(KEEP_ALIVE.multipliedBy(3)).pollInterval(Duration.ofMillis(10))
							.until(() -> connection.getState() != MqttConnectionState.CONNECTED);
						detect = ReliabilityApps.since(cutAt);
					}
					finally {
						proxy.blackhole(false);
					}
					System.out.printf(Locale.ROOT, "Black hole, %s, MQTT %s: detect = %.2f x keep-alive%n",
							ReliabilityApps.label(library), version,
							detect.toMillis() / (double) KEEP_ALIVE.toMillis());
					assertThat(detect).isLessThanOrEqualTo(KEEP_ALIVE.multipliedBy(3).dividedBy(2).plus(DETECTION_MARGIN));
					assertThat(connection.getLastFailure()).contains("1.5 x keep-alive");
					ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(15));
				});
		}
	}

	private static MqttClient externalPublisher(MosquittoBroker broker) throws Exception {
		MqttClient client = new MqttClient(broker.url(), ReliabilityApps.unique("keepalive-publisher"),
				new MemoryPersistence());
		MqttConnectOptions options = new MqttConnectOptions();
		options.setKeepAliveInterval(30);
		client.connect(options);
		return client;
	}

}
