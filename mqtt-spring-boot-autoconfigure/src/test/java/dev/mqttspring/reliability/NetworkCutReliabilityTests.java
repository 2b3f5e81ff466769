package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections cut in the middle of QoS 2 flows by a TCP proxy (RST and black hole) on
 * both the publishing and the subscribing side: with persistent sessions every message is
 * delivered exactly once and no publish future outlives its timeout.
 */
class NetworkCutReliabilityTests {

	private static final int MESSAGES = 2_000;

	private static final int OUTSTANDING = 200;

	private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("dev.mqttspring.reliability.ReliabilityApps#librariesAndVersions")
	void cutsDuringQos2FlowsDeliverEachMessageExactlyOnce(String library, String version) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start();
				TcpProxy publisherProxy = TcpProxy.start("127.0.0.1", broker.port());
				TcpProxy subscriberProxy = TcpProxy.start("127.0.0.1", broker.port())) {
			String topic = ReliabilityApps.unique("reliability/cut");
			Tally tally = new Tally();
			subscriber(library, subscriberProxy, version).run((sub) -> {
				MqttConnection subConnection = sub.getBean(MqttConnection.class);
				DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(subConnection, "cut-listener",
						List.of(topic), 2, null, tally::add);
				container.start();
				try {
					publisher(library, publisherProxy, version).run((pub) -> {
						MqttConnection pubConnection = pub.getBean(MqttConnection.class);
						MqttTemplate template = pub.getBean(MqttTemplate.class);
						Semaphore outstanding = new Semaphore(OUTSTANDING);
						Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
						Set<Integer> failed = ConcurrentHashMap.newKeySet();
						AtomicLong slowest = new AtomicLong();
						List<CompletableFuture<Void>> futures = new ArrayList<>(MESSAGES);
						List<Duration> detections = new ArrayList<>();
						List<String> faults = new ArrayList<>();
						ExecutorService chaos = Executors.newSingleThreadExecutor();
						try {
							CompletableFuture<Void> fault = CompletableFuture.completedFuture(null);
							int every = MESSAGES / 7;
							int step = 0;
							for (int i = 0; i < MESSAGES; i++) {
								if (i > 0 && i % every == 0 && step < 6) {
									fault.get(30, TimeUnit.SECONDS);
									int kind = step++;
									fault = CompletableFuture.runAsync(() -> {
										String name = switch (kind % 3) {
											case 0 -> reset(publisherProxy, pubConnection, "reset publisher");
											case 1 -> reset(subscriberProxy, subConnection, "reset subscriber");
											default -> blackhole(publisherProxy, subscriberProxy, pubConnection, subConnection,
													detections);
										};
										synchronized (faults) {
											faults.add(name);
										}
									}, chaos);
								}
								assertThat(outstanding.tryAcquire(PUBLISH_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)).isTrue();
								int number = i;
								long start = System.nanoTime();
								futures.add(template.publish(topic, String.valueOf(i), 2, false).whenComplete((v, ex) -> {
									slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
									((ex == null) ? acknowledged : failed).add(number);
									outstanding.release();
								}));
							}
							fault.get(60, TimeUnit.SECONDS);
						}
						finally {
							chaos.shutdownNow();
						}
						BrokerRestartReliabilityTests.awaitQuietly(
								() -> futures.stream().allMatch(CompletableFuture::isDone), PUBLISH_TIMEOUT.plusSeconds(5));
						long hung = futures.stream().filter((future) -> !future.isDone()).count();
						BrokerRestartReliabilityTests.awaitQuietly(() -> acknowledged.stream().allMatch(tally::contains),
								Duration.ofSeconds(30));
						long lost = acknowledged.stream().filter((n) -> !tally.contains(n)).count();
						long failedButDelivered = failed.stream().filter(tally::contains).count();
						Duration detect = detections.stream().max(Duration::compareTo).orElse(Duration.ZERO);
						ReliabilityReport.scenario(library, "Connection cut (TcpProxy RST + black hole) mid QoS 2 flows, MQTT " + version)
							.sent(MESSAGES)
							.received(tally.total())
							.lost(lost)
							.duplicates(tally.duplicates())
							.detect(detect)
							.note("faults: " + faults)
							.note("futures acknowledged " + acknowledged.size() + ", failed " + failed.size()
									+ " (of which delivered " + failedButDelivered + "), hung " + hung)
							.note("slowest future " + ReliabilityReport.format(Duration.ofNanos(slowest.get()))
									+ " (timeout " + ReliabilityReport.format(PUBLISH_TIMEOUT) + ")")
							.note("detect = worst black-hole detection, keep-alive 2 s")
							.write();
						assertThat(hung).as("publish futures still pending after their timeout").isZero();
						assertThat(Duration.ofNanos(slowest.get())).isLessThan(PUBLISH_TIMEOUT.plusSeconds(3));
						assertThat(tally.duplicates()).as("duplicate deliveries of QoS 2 messages").isZero();
						assertThat(lost).as("acknowledged QoS 2 messages never delivered").isZero();
						assertThat(faults).hasSize(6);
					});
				}
				finally {
					container.stop();
				}
			});
		}
	}

	private static String reset(TcpProxy proxy, MqttConnection connection, String name) {
		ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(20));
		proxy.resetAll();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
			.until(() -> connection.getState() != MqttConnectionState.CONNECTED);
		ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(20));
		return name;
	}

	private static String blackhole(TcpProxy publisherProxy, TcpProxy subscriberProxy, MqttConnection pub,
			MqttConnection sub, List<Duration> detections) {
		ReliabilityApps.awaitConnected(pub, Duration.ofSeconds(20));
		ReliabilityApps.awaitConnected(sub, Duration.ofSeconds(20));
		long start = System.nanoTime();
		publisherProxy.blackhole(true);
		subscriberProxy.blackhole(true);
		try {
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
				.until(() -> pub.getState() != MqttConnectionState.CONNECTED
						&& sub.getState() != MqttConnectionState.CONNECTED);
			synchronized (detections) {
				detections.add(ReliabilityApps.since(start));
			}
		}
		finally {
			publisherProxy.blackhole(false);
			subscriberProxy.blackhole(false);
		}
		publisherProxy.resetAll();
		subscriberProxy.resetAll();
		ReliabilityApps.awaitConnected(pub, Duration.ofSeconds(20));
		ReliabilityApps.awaitConnected(sub, Duration.ofSeconds(20));
		return "black hole";
	}

	private static ApplicationContextRunner subscriber(String library, TcpProxy proxy, String version) {
		return persistent(library, proxy, ReliabilityApps.unique("cut-sub"), version);
	}

	private static ApplicationContextRunner publisher(String library, TcpProxy proxy, String version) {
		return persistent(library, proxy, ReliabilityApps.unique("cut-pub"), version).withPropertyValues(
				"mqtt.template.timeout=" + PUBLISH_TIMEOUT.toSeconds() + "s", "mqtt.offline-buffer-size=" + MESSAGES);
	}

	private static ApplicationContextRunner persistent(String library, TcpProxy proxy, String clientId,
			String version) {
		return ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.version=" + version, "mqtt.url=" + proxy.url(), "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
					"mqtt.session-expiry=10m", "mqtt.fail-fast=true", "mqtt.keep-alive=2s", "mqtt.connection-timeout=2s",
					"mqtt.reconnect-delay=50ms", "mqtt.max-reconnect-delay=500ms");
	}

}
