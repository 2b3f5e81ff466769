package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown: in-flight listener work finishes within a bound, and 20 start/stop cycles of
 * an application context leak no threads.
 */
class ShutdownReliabilityTests {

	private static final String SYSTEM_MOSQUITTO = "tcp://127.0.0.1:1883";

	private static final int CYCLES = 20;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void inFlightListenerWorkFinishesWithinTheShutdownTimeout(String library) {
		Duration work = Duration.ofSeconds(1);
		Duration shutdownTimeout = Duration.ofSeconds(5);
		String topic = ReliabilityApps.unique("reliability/shutdown");
		SlowListener.started = new CountDownLatch(1);
		SlowListener.finished.set(false);
		long[] closeMillis = new long[1];
		ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=" + SYSTEM_MOSQUITTO, "mqtt.fail-fast=true", "slow.topic=" + topic,
					"mqtt.listener.shutdown-timeout=" + shutdownTimeout.toSeconds() + "s")
			.withUserConfiguration(SlowListener.class)
			.run((context) -> {
				context.getBean(MqttTemplate.class).publish(topic, "work", 1, false).get(5, TimeUnit.SECONDS);
				assertThat(SlowListener.started.await(5, TimeUnit.SECONDS)).isTrue();
				long start = System.nanoTime();
				context.close();
				closeMillis[0] = ReliabilityApps.since(start).toMillis();
			});
		ReliabilityReport.scenario(library, "Shutdown with in-flight listener work (" + ReliabilityReport.format(work) + ")")
			.recover(Duration.ofMillis(closeMillis[0]))
			.note("listener finished before close returned: " + SlowListener.finished.get())
			.note("recover = context close time, bound " + ReliabilityReport.format(shutdownTimeout))
			.write();
		assertThat(SlowListener.finished.get()).isTrue();
		assertThat(closeMillis[0]).isLessThan(shutdownTimeout.plusSeconds(2).toMillis());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void twentyStartStopCyclesLeakNoThreads(String library) {
		ApplicationContextRunner runner = ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=" + SYSTEM_MOSQUITTO, "mqtt.fail-fast=true",
					"slow.topic=" + ReliabilityApps.unique("reliability/cycle"))
			.withUserConfiguration(QuickListener.class);
		// warm-up: JVM-wide singletons (Paho's timer classes, logging, Jackson caches)
		runner.run((context) -> context.getBean(MqttTemplate.class).publish("reliability/cycle", "x", 1, false)
			.get(5, TimeUnit.SECONDS));
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		int baseline = before.size();
		for (int i = 0; i < CYCLES; i++) {
			runner.run((context) -> context.getBean(MqttTemplate.class).publish("reliability/cycle", "x", 1, false)
				.get(5, TimeUnit.SECONDS));
		}
		BrokerRestartReliabilityTests.awaitQuietly(() -> Thread.getAllStackTraces().size() <= baseline + 2,
				Duration.ofSeconds(10));
		Map<String, Long> extra = new TreeMap<>(Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> !before.contains(thread))
			.collect(Collectors.groupingBy((thread) -> thread.getName().replaceAll("[0-9a-f]{8}|\\d+", "#"),
					Collectors.counting())));
		int after = Thread.getAllStackTraces().size();
		ReliabilityReport.scenario(library, "Threads over " + CYCLES + " context start/stop cycles")
			.note("live threads before " + baseline + ", after " + after)
			.note("new threads: " + (extra.isEmpty() ? "none" : extra.toString()))
			.write();
		assertThat(after).as("live threads after %d cycles, new: %s", CYCLES, extra).isLessThanOrEqualTo(baseline + 2);
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static final AtomicBoolean finished = new AtomicBoolean();

		@MqttSubscribe("${slow.topic}")
		void onMessage(String payload) throws InterruptedException {
			started.countDown();
			Thread.sleep(1000);
			finished.set(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QuickListener {

		@MqttSubscribe("${slow.topic}")
		void onMessage(String payload) {
		}

	}

}
