package dev.mqttspring.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing rides out broker outages with default settings: several threads publish
 * 20,000 QoS 1 messages with a persistent session while the broker is restarted three
 * times (SIGTERM) and killed once (SIGKILL; mosquitto saves on every change, so it keeps
 * what it acknowledged). No future fails and an independent subscriber with a persistent
 * session receives every message; duplicates are reported. Both client libraries.
 */
class OutageReliabilityTests {

	private static final int MESSAGES = 20_000;

	private static final int THREADS = 4;

	/**
	 * Pace of the burst, so that it spans the faults: message n is published 0.5 ms x n
	 * after the start (about 10 s in all), or later when the publisher is held up.
	 */
	private static final long INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	private static final Path TMPFS = Path.of("/dev/shm");

	private static final long[] FAULTS_AT_MILLIS = { 2_000, 4_500, 7_000, 9_500 };

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void restartsAndKillDuringQos1BurstLoseNothingWithDefaults(String library) throws Exception {
		MosquittoBroker.Builder builder = MosquittoBroker.builder()
			.persistence(true)
			.autosaveInterval(1)
			.maxQueuedMessages(0);
		if (Files.isDirectory(TMPFS) && Files.isWritable(TMPFS)) {
			// mosquitto fsyncs every save: on a disk, saving on every change limits it to a few hundred messages a second
			builder.parentDirectory(TMPFS);
		}
		try (MosquittoBroker broker = builder.start()) {
			String topic = ReliabilityApps.unique("reliability/outage");
			Tally tally = new Tally();
			ApplicationContextRunner subscriber = persistent(broker, library, ReliabilityApps.unique("outage-sub"));
			ApplicationContextRunner publisher = persistent(broker, library, ReliabilityApps.unique("outage-pub"));
			subscriber.run((sub) -> {
				MqttConnection subConnection = sub.getBean(MqttConnection.class);
				DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(subConnection, "outage-listener",
						List.of(topic), 1, null, tally::add);
				container.start();
				try {
					publisher.run((pub) -> {
						MqttConnection pubConnection = pub.getBean(MqttConnection.class);
						MqttTemplate template = pub.getBean(MqttTemplate.class);
						Outcome outcome = burst(broker, template, pubConnection, subConnection, topic);
						awaitQuietly(() -> tally.distinct() >= MESSAGES, Duration.ofSeconds(60));
						long lost = tally.missing(MESSAGES);
						Duration worst = outcome.recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
						ReliabilityReport
							.scenario(library, "Outage during a QoS 1 burst: SIGTERM x3 + SIGKILL x1, " + THREADS
									+ " threads, default buffer settings")
							.sent(MESSAGES)
							.received(tally.total())
							.lost(lost)
							.duplicates(tally.duplicates())
							.recover(worst)
							.note("failed futures: " + outcome.failed.get())
							.note("burst took " + ReliabilityReport.format(outcome.elapsed) + ", all acknowledged after "
									+ ReliabilityReport.format(outcome.acknowledgedAfter))
							.note("most buffered: " + outcome.maxBuffered.get() + " messages")
							.note("recover = fault begin until the publisher is connected again (worst of "
									+ outcome.recoveries.size() + ")")
							.note("reconnects pub/sub: " + pubConnection.getReconnectCount() + "/"
									+ subConnection.getReconnectCount())
							.write();
						assertThat(outcome.recoveries).hasSize(FAULTS_AT_MILLIS.length);
						assertThat(outcome.failures).as("failed futures (distinct causes: %s)",
								outcome.failures.stream().map((failure) -> failure.replaceAll("'[^']*'", "'..'"))
									.distinct().limit(5).toList())
							.isEmpty();
						assertThat(lost).as("messages lost").isZero();
						assertThat(pubConnection.getReconnectCount()).isGreaterThanOrEqualTo(FAULTS_AT_MILLIS.length);
					});
				}
				finally {
					container.stop();
				}
			});
		}
	}

	private Outcome burst(MosquittoBroker broker, MqttTemplate template, MqttConnection pubConnection,
			MqttConnection subConnection, String topic) throws Exception {
		Outcome outcome = new Outcome();
		List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>(MESSAGES));
		AtomicInteger next = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);
		long start = System.nanoTime();
		try {
			List<Future<?>> publishers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				publishers.add(threads.submit(() -> {
					int number;
					while ((number = next.getAndIncrement()) < MESSAGES) {
						long due = start + number * INTERVAL_NANOS;
						LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
						CompletableFuture<Void> future = template.publish(topic, String.valueOf(number), 1, false);
						future.whenComplete((result, ex) -> {
							if (ex != null) {
								outcome.failed.incrementAndGet();
								outcome.failures.add(String.valueOf(ex));
							}
						});
						futures.add(future);
						outcome.maxBuffered.accumulateAndGet(pubConnection.getBufferedMessages(), Math::max);
					}
					return null;
				}));
			}
			Future<?> chaos = threads.submit(() -> {
				long connectedAt = start;
				for (int i = 0; i < FAULTS_AT_MILLIS.length; i++) {
					// a fault comes at its time, but not before the connection lasted 2.5 s: a
					// connection lost sooner waits the back-off (flapping protection)
					long due = Math.max(start + TimeUnit.MILLISECONDS.toNanos(FAULTS_AT_MILLIS[i]),
							connectedAt + TimeUnit.MILLISECONDS.toNanos(2_500));
					LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
					long faultStart = System.nanoTime();
					if (i == 2) {
						broker.kill();
						broker.start();
					}
					else {
						broker.restart();
					}
					ReliabilityApps.awaitConnected(pubConnection, Duration.ofSeconds(20));
					outcome.recoveries.add(ReliabilityApps.since(faultStart));
					ReliabilityApps.awaitConnected(subConnection, Duration.ofSeconds(20));
					connectedAt = System.nanoTime();
				}
				return null;
			});
			for (Future<?> publisherThread : publishers) {
				publisherThread.get(120, TimeUnit.SECONDS);
			}
			chaos.get(120, TimeUnit.SECONDS);
			outcome.elapsed = ReliabilityApps.since(start);
			try {
				CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException ex) {
				// counted in outcome.failed
			}
			outcome.acknowledgedAfter = ReliabilityApps.since(start);
		}
		finally {
			threads.shutdownNow();
		}
		return outcome;
	}

	private static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition, Duration timeout) {
		try {
			org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// the caller reports the figures and asserts
		}
	}

	private static ApplicationContextRunner persistent(MosquittoBroker broker, String library, String clientId) {
		// default reconnect, buffer, max-block and timeout settings
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-library=" + library, "mqtt.client-id=" + clientId,
					"mqtt.clean-start=false", "mqtt.session-expiry=10m", "mqtt.fail-fast=true");
	}

	private static final class Outcome {

		final AtomicLong failed = new AtomicLong();

		final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

		final AtomicLong maxBuffered = new AtomicLong();

		final List<Duration> recoveries = new java.util.concurrent.CopyOnWriteArrayList<>();

		Duration elapsed = Duration.ZERO;

		Duration acknowledgedAfter = Duration.ZERO;

	}

}
