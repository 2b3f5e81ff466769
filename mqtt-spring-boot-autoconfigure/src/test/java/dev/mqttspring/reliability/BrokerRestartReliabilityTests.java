package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broker restarts during a QoS 1 stream with persistent sessions: with SIGTERM (mosquitto
 * saves its persistence) nothing is lost; with SIGKILL inside the autosave interval the
 * broker loses what it acknowledged, which is shown separately as the broker's loss.
 */
class BrokerRestartReliabilityTests {

	private static final int MESSAGES = 10_000;

	private static final int RESTARTS = 5;

	private static final int OUTSTANDING = 500;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void sigtermRestartsDuringQos1StreamLoseNothing(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).maxQueuedMessages(0).start()) {
			String topic = ReliabilityApps.unique("reliability/restart");
			Tally tally = new Tally();
			ApplicationContextRunner subscriber = persistent(library, broker, ReliabilityApps.unique("restart-sub"));
			ApplicationContextRunner publisher = persistent(library, broker, ReliabilityApps.unique("restart-pub"))
				.withPropertyValues("mqtt.offline-buffer-size=" + (MESSAGES + OUTSTANDING), "mqtt.template.timeout=60s");
			subscriber.run((sub) -> {
				MqttConnection subConnection = sub.getBean(MqttConnection.class);
				DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(subConnection, "restart-listener",
						List.of(topic), 1, null, tally::add);
				container.start();
				try {
					publisher.run((pub) -> {
						MqttConnection pubConnection = pub.getBean(MqttConnection.class);
						MqttTemplate template = pub.getBean(MqttTemplate.class);
						Stream stream = new Stream(template, topic);
						List<Duration> recoveries = new ArrayList<>();
						ExecutorService chaos = Executors.newSingleThreadExecutor();
						try {
							CompletableFuture<Void> restart = CompletableFuture.completedFuture(null);
							int every = MESSAGES / (RESTARTS + 1);
							int restarts = 0;
							for (int i = 0; i < MESSAGES; i++) {
								if (i > 0 && i % every == 0 && restarts < RESTARTS) {
									restart.get(30, TimeUnit.SECONDS);
									restarts++;
									restart = CompletableFuture.runAsync(() -> {
										long start = System.nanoTime();
										broker.restart();
										ReliabilityApps.awaitConnected(pubConnection, Duration.ofSeconds(20));
										ReliabilityApps.awaitConnected(subConnection, Duration.ofSeconds(20));
										synchronized (recoveries) {
											recoveries.add(ReliabilityApps.since(start));
										}
									}, chaos);
								}
								stream.publish(i);
							}
							restart.get(30, TimeUnit.SECONDS);
						}
						finally {
							chaos.shutdownNow();
						}
						stream.awaitAllAcknowledged(Duration.ofSeconds(60));
						awaitQuietly(() -> tally.distinct() >= MESSAGES, Duration.ofSeconds(60));
						long lost = tally.missing(MESSAGES);
						Duration worst = recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
						ReliabilityReport.scenario(library, "Broker restarts (SIGTERM) x" + RESTARTS + ", QoS 1, persistent session")
							.sent(MESSAGES)
							.received(tally.total())
							.lost(lost)
							.duplicates(tally.duplicates())
							.recover(worst)
							.note("publish retries after failed futures: " + stream.retries.get())
							.note("recover = restart begin until both clients connected (worst of " + recoveries.size() + ")")
							.note("reconnects pub/sub: " + pubConnection.getReconnectCount() + "/"
									+ subConnection.getReconnectCount())
							.write();
						assertThat(recoveries).hasSize(RESTARTS);
						assertThat(lost).as("messages lost").isZero();
						assertThat(pubConnection.getReconnectCount()).isGreaterThanOrEqualTo(RESTARTS);
						assertThat(subConnection.getReconnectCount()).isGreaterThanOrEqualTo(RESTARTS);
					});
				}
				finally {
					container.stop();
				}
			});
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void sigkillWithinAutosaveIntervalLosesWhatTheBrokerAcknowledged(String library) throws Exception {
		int messages = 1_000;
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).autosaveInterval(3600)
			.maxQueuedMessages(0).start()) {
			String subscriberId = ReliabilityApps.unique("kill-sub");
			ApplicationContextRunner subscriber = persistent(library, broker, subscriberId);
			ApplicationContextRunner publisher = persistent(library, broker, ReliabilityApps.unique("kill-pub"));
			// control: the same offline backlog survives a SIGTERM restart
			Outcome control = offlineBacklog(broker, subscriber, publisher, messages, broker::restart,
					Duration.ofSeconds(30));
			// the broker is killed before it saved the backlog it acknowledged; the control's backlog
			// arrives right after the subscription, so 5 s is a fair chance for a lost one to show up
			Outcome killed = offlineBacklog(broker, subscriber, publisher, messages, () -> {
				broker.kill();
				broker.start();
			}, Duration.ofSeconds(5));
			ReliabilityReport.scenario(library, "Control: offline backlog across a SIGTERM restart")
				.sent(messages)
				.received(control.tally.total())
				.lost(control.tally.missing(messages))
				.duplicates(control.tally.duplicates())
				.note("session present after restart: " + control.sessionPresent)
				.write();
			ReliabilityReport.scenario(library, "BROKER'S LOSS: SIGKILL within mosquitto autosave_interval")
				.sent(messages)
				.received(killed.tally.total())
				.lost(killed.tally.missing(messages))
				.duplicates(killed.tally.duplicates())
				.note("all " + messages + " PUBACKed by the broker before the kill: " + (killed.acknowledged == messages))
				.note("session present after restart: " + killed.sessionPresent
						+ " (restored from the last save: the loss is invisible to the client)")
				.write();
			assertThat(control.acknowledged).isEqualTo(messages);
			assertThat(control.sessionPresent).isTrue();
			assertThat(control.tally.missing(messages)).isZero();
			assertThat(killed.acknowledged).as("the client did its part: every publish acknowledged").isEqualTo(messages);
			assertThat(killed.tally.distinct() + killed.tally.missing(messages)).isEqualTo(messages);
		}
	}

	private Outcome offlineBacklog(MosquittoBroker broker, ApplicationContextRunner subscriber,
			ApplicationContextRunner publisher, int messages, Runnable fault, Duration wait) {
		String topic = ReliabilityApps.unique("reliability/backlog");
		Tally tally = new Tally();
		MqttSubscription[] subscription = new MqttSubscription[1];
		// subscribe once with a persistent session, then go offline
		subscriber.run((sub) -> {
			MqttConnection connection = sub.getBean(MqttConnection.class);
			subscription[0] = new MqttSubscription(topic, 1, (MqttInboundMessage message) -> {
				tally.add(message);
				message.acknowledge();
			}, "backlog");
			assertThat(connection.subscribe(subscription[0]).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
		});
		AtomicLong acknowledged = new AtomicLong();
		publisher.run((pub) -> {
			MqttTemplate template = pub.getBean(MqttTemplate.class);
			List<CompletableFuture<Void>> futures = new ArrayList<>();
			for (int i = 0; i < messages; i++) {
				futures.add(template.publish(topic, String.valueOf(i), 1, false)
					.thenRun(acknowledged::incrementAndGet));
			}
			CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
		});
		fault.run();
		boolean[] sessionPresent = new boolean[1];
		subscriber.run((sub) -> {
			MqttConnection connection = sub.getBean(MqttConnection.class);
			sessionPresent[0] = connection.isSessionPresent();
			connection.subscribe(subscription[0]).get(10, TimeUnit.SECONDS);
			if (sessionPresent[0]) {
				awaitQuietly(() -> tally.distinct() >= messages, wait);
			}
			else {
				// nothing can arrive: give a redelivery a fair chance before counting
				awaitQuietly(() -> tally.distinct() >= messages, Duration.ofSeconds(2));
			}
		});
		return new Outcome(tally, acknowledged.get(), sessionPresent[0]);
	}

	private static ApplicationContextRunner persistent(String library, MosquittoBroker broker, String clientId) {
		return ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
					"mqtt.session-expiry=10m", "mqtt.fail-fast=true", "mqtt.reconnect-delay=50ms",
					"mqtt.max-reconnect-delay=500ms");
	}

	static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition, Duration timeout) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// the caller reports the figures and asserts
		}
	}

	private record Outcome(Tally tally, long acknowledged, boolean sessionPresent) {
	}

	/**
	 * Publishes numbered messages with a bounded number outstanding and republishes
	 * those whose future failed (what an application wanting at-least-once does).
	 */
	static final class Stream {

		private final MqttTemplate template;

		private final String topic;

		private final Semaphore outstanding = new Semaphore(OUTSTANDING);

		private final Queue<Integer> failed = new ConcurrentLinkedQueue<>();

		final AtomicLong acknowledged = new AtomicLong();

		final AtomicLong retries = new AtomicLong();

		Stream(MqttTemplate template, String topic) {
			this.template = template;
			this.topic = topic;
		}

		void publish(int number) throws InterruptedException {
			assertThat(this.outstanding.tryAcquire(60, TimeUnit.SECONDS)).as("a publish future completed within 60 s")
				.isTrue();
			this.template.publish(this.topic, String.valueOf(number), 1, false).whenComplete((result, ex) -> {
				if (ex == null) {
					this.acknowledged.incrementAndGet();
				}
				else {
					this.failed.add(number);
				}
				this.outstanding.release();
			});
		}

		void awaitAllAcknowledged(Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			for (int round = 0; round < 5 && System.nanoTime() < deadline; round++) {
				await().atMost(timeout).until(() -> this.outstanding.availablePermits() == OUTSTANDING);
				if (this.failed.isEmpty()) {
					return;
				}
				Integer number;
				while ((number = this.failed.poll()) != null) {
					this.retries.incrementAndGet();
					publish(number);
				}
			}
		}

	}

}
