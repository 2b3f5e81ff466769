package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker frozen with SIGSTOP longer than the keep-alive: the loss is detected by the
 * keep-alive, health goes DOWN, the connection comes back after SIGCONT and listeners
 * receive again.
 */
class BrokerFreezeReliabilityTests {

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	/**
	 * Scheduling slack on top of 1.5 x keep-alive: the watchdog's timer, the drop of the
	 * socket and the client library's loss callback.
	 */
	private static final Duration DETECTION_MARGIN = Duration.ofMillis(300);

	private static final int RUNS = 2;

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("dev.mqttspring.reliability.ReliabilityApps#librariesAndVersions")
	void frozenBrokerIsDetectedByKeepAliveAndRecoveredAfterSigcont(String library, String version) {
		List<Double> ratios = new CopyOnWriteArrayList<>();
		for (int run = 1; run <= RUNS; run++) {
			ratios.add(freezeOnce(library, version, run));
		}
		double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0);
		double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0);
		System.out.printf(java.util.Locale.ROOT, "Broker freeze, %s, MQTT %s: detect = %.2f-%.2f x keep-alive over %d runs %s%n",
				ReliabilityApps.label(library), version, min, max, RUNS, ratios);
		assertThat(max).isLessThanOrEqualTo(1.5 + DETECTION_MARGIN.toMillis() / (double) KEEP_ALIVE.toMillis());
	}

	private double freezeOnce(String library, String version, int run) {
		double[] ratio = new double[1];
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String topic = ReliabilityApps.unique("reliability/freeze");
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version,
						"mqtt.keep-alive=" + KEEP_ALIVE.toSeconds() + "s",
						"mqtt.fail-fast=true", "mqtt.connection-timeout=2s", "mqtt.reconnect-delay=200ms",
						"mqtt.max-reconnect-delay=2s", "mqtt.template.timeout=10s")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					MqttHealthIndicator health = context.getBean(MqttHealthIndicator.class);
					List<String> received = new CopyOnWriteArrayList<>();
					AtomicLong attempts = new AtomicLong();
					List<String> causes = new CopyOnWriteArrayList<>();
					connection.addConnectionListener(new MqttConnectionListener() {

						@Override
						public void connectionLost(String cause, int reasonCode) {
							attempts.incrementAndGet();
							causes.add(cause);
						}

					});
					DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(connection, "freeze-listener",
							List.of(topic), 1, null,
							(message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
					container.start();
					try {
						template.publish(topic, "before", 1, false).get(5, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("before"));
						assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

						long frozenAt = System.nanoTime();
						broker.pause();
						Duration detect;
						String lostCause;
						try {
							await().atMost(KEEP_ALIVE.multipliedBy(4)).pollInterval(Duration.ofMillis(10))
								.until(() -> connection.getState() != MqttConnectionState.CONNECTED);
							detect = ReliabilityApps.since(frozenAt);
							lostCause = connection.getLastFailure();
							Health down = health.health(true);
							assertThat(down.getStatus()).isEqualTo(Status.DOWN);
							assertThat(down.getDetails()).containsKey("error");
							// stay frozen a little longer: reconnect attempts hang on the frozen broker
							long frozenUntil = System.nanoTime() + KEEP_ALIVE.toNanos();
							await().atMost(KEEP_ALIVE.multipliedBy(2)).until(() -> System.nanoTime() >= frozenUntil);
						}
						finally {
							broker.resume();
						}
						long resumedAt = System.nanoTime();
						ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(15));
						Duration recover = ReliabilityApps.since(resumedAt);
						template.publish(topic, "after", 1, false).get(10, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("after"));
						Status healthAfter = health.health(true).getStatus();
						ratio[0] = detect.toMillis() / (double) KEEP_ALIVE.toMillis();
						ReliabilityReport.scenario(library, "Broker frozen (SIGSTOP) > keep-alive " + KEEP_ALIVE.toSeconds()
								+ " s, MQTT " + version + " run " + run)
							.sent(2)
							.received(received.size())
							.lost(received.contains("after") ? 0 : 1)
							.duplicates(received.size() - received.stream().distinct().count())
							.detect(detect)
							.recover(recover)
							.note(String.format(java.util.Locale.ROOT, "detect = %.2f x keep-alive", ratio[0]))
							.note("cause: " + causes.get(0))
							.note("health while frozen DOWN, after " + healthAfter)
							.note("connection-lost/failed events: " + attempts.get())
							.note("recover = SIGCONT until CONNECTED; listener receives again")
							.write();
						assertThat(detect).as("loss detected within 1.5 x keep-alive").isLessThanOrEqualTo(
								KEEP_ALIVE.multipliedBy(3).dividedBy(2).plus(DETECTION_MARGIN));
						assertThat(lostCause).contains("no packet from the broker within 1.5 x keep-alive (2 s)");
						assertThat(causes.get(0)).isEqualTo(lostCause);
						assertThat(healthAfter).isEqualTo(Status.UP);
						assertThat(connection.getReconnectCount()).isGreaterThanOrEqualTo(1);
						assertThat(container.getSubscriptionResults()).allMatch((result) -> result.isGranted());
					}
					finally {
						container.stop();
					}
				});
		}
		return ratio[0];
	}

}
