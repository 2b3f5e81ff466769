package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two applications with the same client id: the take-over (MQTT 5 reason 0x8E) is
 * detected, logged clearly, shown in health, and reconnects back off so that the two do
 * not kick each other off in a hot loop.
 */
class ClientIdTakeoverReliabilityTests {

	private static final Duration WINDOW = Duration.ofSeconds(8);

	private static final Duration MAX_DELAY = Duration.ofSeconds(2);

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void sameClientIdIsDetectedAndBacksOff(String library) {
		// HiveMQ (the embedded broker) sends DISCONNECT 0x8E to the older client; mosquitto
		// 2.0.11 just closes its socket, see sameClientIdOnMosquittoBacksOff
		EmbeddedMqttBroker broker = EmbeddedMqttBroker.builder().build();
		broker.start();
		try (LogCapture logs = LogCapture.start(Level.INFO, "dev.mqttspring")) {
			ApplicationContextRunner app = ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=tcp://127.0.0.1:" + broker.getPort(), "mqtt.client-id=" + ReliabilityApps.unique("twin"),
						"mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=" + MAX_DELAY.toMillis() + "ms",
						"mqtt.fail-fast=false");
			app.run((first) -> app.run((second) -> {
				MqttConnection a = first.getBean(MqttConnection.class);
				MqttConnection b = second.getBean(MqttConnection.class);
				AtomicLong connects = new AtomicLong();
				AtomicLong takeOvers = new AtomicLong();
				MqttConnectionListener counter = new MqttConnectionListener() {

					@Override
					public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
						connects.incrementAndGet();
					}

					@Override
					public void connectionLost(String cause, int reasonCode) {
						if (reasonCode == 0x8E) {
							takeOvers.incrementAndGet();
						}
					}

				};
				a.addConnectionListener(counter);
				b.addConnectionListener(counter);
				long detectStart = System.nanoTime();
				await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
					.until(() -> takeOvers.get() > 0 || isTakenOver(a) || isTakenOver(b));
				Duration detect = ReliabilityApps.since(detectStart);
				MqttConnection kicked = isTakenOver(a) ? a : b;
				Health health = ((kicked == a) ? first : second).getBean(MqttHealthIndicator.class).health(true);
				long windowStart = System.nanoTime();
				long connectsBefore = connects.get();
				await().atMost(WINDOW.plusSeconds(2)).until(() -> ReliabilityApps.since(windowStart).compareTo(WINDOW) >= 0);
				long connectsInWindow = connects.get() - connectsBefore;
				long bound = 2 * (WINDOW.toMillis() / (MAX_DELAY.toMillis() * 8 / 10)) + 2;
				boolean loggedClearly = logs.events().stream()
					.anyMatch((event) -> event.getLevel() == Level.ERROR && event.getFormattedMessage().contains("0x8E")
							&& event.getFormattedMessage().contains("same client id"));
				ReliabilityReport.scenario(library, "Two applications with one client id (0x8E)")
					.detect(detect)
					.note(connectsInWindow + " connects of both apps in " + ReliabilityReport.format(WINDOW) + " (bound "
							+ bound + ", max-reconnect-delay " + ReliabilityReport.format(MAX_DELAY) + ")")
					.note("take-overs seen " + takeOvers.get())
					.note("health of the kicked app " + health.getStatus() + ": " + health.getDetails().get("error"))
					.note("ERROR log names 0x8E and the same client id: " + loggedClearly)
					.write();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(String.valueOf(health.getDetails().get("error"))).containsIgnoringCase("taken over");
				assertThat(loggedClearly).isTrue();
				assertThat(connectsInWindow).as("connects in the window (no hot loop)").isLessThanOrEqualTo(bound);
			}));
		}
		finally {
			broker.stop();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void sameClientIdOnMosquittoBacksOff(String library) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			ApplicationContextRunner app = ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-id=" + ReliabilityApps.unique("twin"),
						"mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=" + MAX_DELAY.toMillis() + "ms",
						"mqtt.fail-fast=false");
			app.run((first) -> app.run((second) -> {
				MqttConnection a = first.getBean(MqttConnection.class);
				MqttConnection b = second.getBean(MqttConnection.class);
				AtomicLong connects = new AtomicLong();
				AtomicLong takeOvers = new AtomicLong();
				MqttConnectionListener counter = new MqttConnectionListener() {

					@Override
					public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
						connects.incrementAndGet();
					}

					@Override
					public void connectionLost(String cause, int reasonCode) {
						if (reasonCode == 0x8E) {
							takeOvers.incrementAndGet();
						}
					}

				};
				a.addConnectionListener(counter);
				b.addConnectionListener(counter);
				long windowStart = System.nanoTime();
				await().atMost(WINDOW.plusSeconds(2)).until(() -> ReliabilityApps.since(windowStart).compareTo(WINDOW) >= 0);
				long bound = 2 * (WINDOW.toMillis() / (MAX_DELAY.toMillis() * 8 / 10)) + 4;
				ReliabilityReport.scenario(library, "Two applications with one client id on mosquitto 2.0.11 (no 0x8E sent)")
					.note(connects.get() + " connects of both apps in " + ReliabilityReport.format(WINDOW) + " (bound "
							+ bound + "), 0x8E seen " + takeOvers.get() + ", last failures: " + a.getLastFailure() + " / "
							+ b.getLastFailure())
					.write();
				assertThat(connects.get()).as("connects in the window (no hot loop)").isLessThanOrEqualTo(bound);
			}));
		}
	}

	private static boolean isTakenOver(MqttConnection connection) {
		String failure = connection.getLastFailure();
		return connection.getState() != MqttConnectionState.CONNECTED && failure != null
				&& failure.toLowerCase(java.util.Locale.ROOT).contains("taken over");
	}

}
