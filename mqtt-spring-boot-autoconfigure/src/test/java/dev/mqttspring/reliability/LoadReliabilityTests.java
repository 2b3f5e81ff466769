package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Load: concurrent QoS 1 publishers are all acknowledged exactly once without Paho's
 * "too many publishes in progress" (32202), and a slow listener stalls neither another
 * listener nor the connection.
 */
class LoadReliabilityTests {

	private static final int THREADS = 4;

	private static final int PER_THREAD = 10_000;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void fourThreadsPublishingQos1AreAllAcknowledgedOnce(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
			String topic = ReliabilityApps.unique("reliability/load");
			Tally tally = new Tally();
			ReliabilityApps.runner(library).withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true").run((sub) -> {
				MqttConnection subConnection = sub.getBean(MqttConnection.class);
				MqttSubscription subscription = new MqttSubscription(topic, 1, (MqttInboundMessage message) -> {
					tally.add(message);
					message.acknowledge();
				}, "load");
				assertThat(subConnection.subscribe(subscription).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
				ReliabilityApps.runner(library).withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true").run((pub) -> {
					MqttTemplate template = pub.getBean(MqttTemplate.class);
					AtomicLong completions = new AtomicLong();
					AtomicLong failures = new AtomicLong();
					AtomicLong tooManyInProgress = new AtomicLong();
					List<String> failureSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
					ExecutorService threads = Executors.newFixedThreadPool(THREADS);
					long start = System.nanoTime();
					List<Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
					try {
						for (int t = 0; t < THREADS; t++) {
							int base = t * PER_THREAD;
							results.add(threads.submit(() -> {
								List<CompletableFuture<Void>> futures = new ArrayList<>(PER_THREAD);
								for (int i = 0; i < PER_THREAD; i++) {
									futures.add(template.publish(topic, String.valueOf(base + i), 1, false)
										.whenComplete((v, ex) -> {
											completions.incrementAndGet();
											if (ex != null) {
												failures.incrementAndGet();
												if (String.valueOf(ex).contains("32202")
														|| String.valueOf(ex.getCause()).contains("32202")
														|| String.valueOf(ex).contains("Too many publishes")) {
													tooManyInProgress.incrementAndGet();
												}
												if (failureSamples.size() < 3) {
													failureSamples.add(String.valueOf(ex));
												}
											}
										}));
								}
								return futures;
							}));
						}
						List<CompletableFuture<Void>> all = new ArrayList<>();
						for (Future<List<CompletableFuture<Void>>> result : results) {
							all.addAll(result.get(120, TimeUnit.SECONDS));
						}
						BrokerRestartReliabilityTests.awaitQuietly(() -> all.stream().allMatch(CompletableFuture::isDone),
								Duration.ofSeconds(60));
						Duration published = ReliabilityApps.since(start);
						BrokerRestartReliabilityTests.awaitQuietly(() -> tally.distinct() >= THREADS * PER_THREAD,
								Duration.ofSeconds(60));
						long total = (long) THREADS * PER_THREAD;
						ReliabilityReport.scenario(library, "Load: " + THREADS + " threads x " + PER_THREAD + " QoS 1 publishes")
							.sent(total)
							.received(tally.total())
							.lost(tally.missing(THREADS * PER_THREAD))
							.duplicates(tally.duplicates())
							.note("acknowledged " + (completions.get() - failures.get()) + ", failed " + failures.get()
									+ ", 32202 errors " + tooManyInProgress.get())
							.note(String.format(java.util.Locale.ROOT, "all acknowledged in %s (%.0f msg/s)",
									ReliabilityReport.format(published), total / (published.toMillis() / 1000.0)))
							.note("in-flight limit " + pub.getBean(MqttConnection.class).getBrokerLimits().receiveMaximum()
									+ " (broker receive maximum)")
							.note(failureSamples.isEmpty() ? "" : "e.g. " + failureSamples.get(0))
							.write();
						assertThat(all).hasSize(THREADS * PER_THREAD).allMatch(CompletableFuture::isDone);
						assertThat(completions.get()).as("each future completed once").isEqualTo(total);
						assertThat(tooManyInProgress.get()).as("32202 too many publishes in progress").isZero();
						assertThat(failures.get()).isZero();
						assertThat(tally.missing(THREADS * PER_THREAD)).isZero();
					}
					finally {
						threads.shutdownNow();
					}
				});
			});
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void slowListenerStallsNeitherOtherListenersNorTheConnection(String library) throws Exception {
		int slowMessages = 30;
		int fastMessages = 1_000;
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String slowTopic = ReliabilityApps.unique("reliability/slow");
			String fastTopic = ReliabilityApps.unique("reliability/fast");
			ReliabilityApps.runner(library).withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true").run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				AtomicInteger slowProcessed = new AtomicInteger();
				Tally fast = new Tally();
				DefaultMqttListenerContainer slow = new DefaultMqttListenerContainer(connection, "slow", List.of(slowTopic),
						1, null, (message) -> {
							Thread.sleep(100);
							slowProcessed.incrementAndGet();
						});
				DefaultMqttListenerContainer quick = new DefaultMqttListenerContainer(connection, "fast",
						List.of(fastTopic), 1, null, fast::add);
				slow.setShutdownTimeout(Duration.ofSeconds(5));
				slow.start();
				quick.start();
				try {
					for (int i = 0; i < slowMessages; i++) {
						template.publish(slowTopic, String.valueOf(i), 1, false).get(5, TimeUnit.SECONDS);
					}
					await().atMost(Duration.ofSeconds(5)).until(() -> slowProcessed.get() >= 1);
					long start = System.nanoTime();
					Semaphore outstanding = new Semaphore(200);
					for (int i = 0; i < fastMessages; i++) {
						assertThat(outstanding.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
						template.publish(fastTopic, String.valueOf(i), 1, false).whenComplete((v, ex) -> outstanding.release());
					}
					BrokerRestartReliabilityTests.awaitQuietly(() -> fast.distinct() >= fastMessages, Duration.ofSeconds(10));
					Duration fastDone = ReliabilityApps.since(start);
					int slowAtThatTime = slowProcessed.get();
					long pingStart = System.nanoTime();
					template.publish(fastTopic, String.valueOf(fastMessages), 1, false).get(5, TimeUnit.SECONDS);
					Duration roundTrip = ReliabilityApps.since(pingStart);
					MqttConnectionState state = connection.getState();
					await().atMost(Duration.ofSeconds(10)).until(() -> slowProcessed.get() >= slowMessages);
					ReliabilityReport.scenario(library, "Slow listener (100 ms/message) next to a fast one")
						.sent(slowMessages + fastMessages)
						.received(slowProcessed.get() + fast.total())
						.lost(fast.missing(fastMessages) + (slowMessages - slowProcessed.get()))
						.duplicates(fast.duplicates())
						.note("fast listener got " + fast.distinct() + "/" + fastMessages + " in "
								+ ReliabilityReport.format(fastDone) + " while the slow one had done " + slowAtThatTime + "/"
								+ slowMessages)
						.note("publish ack during the backlog " + ReliabilityReport.format(roundTrip) + ", state " + state)
						.write();
					assertThat(fast.missing(fastMessages)).isZero();
					assertThat(slowAtThatTime).as("the slow listener was still busy").isLessThan(slowMessages);
					assertThat(state).isEqualTo(MqttConnectionState.CONNECTED);
					assertThat(roundTrip).isLessThan(Duration.ofSeconds(1));
				}
				finally {
					quick.stop();
					slow.stop();
				}
			});
		}
	}

}
