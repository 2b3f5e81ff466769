package dev.mqttspring.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the durable outbox on, a publish survives a crash of the application itself: the
 * publisher (its own JVM) sends 20,000 QoS 1 messages from several threads and is killed
 * (SIGKILL) mid-burst, at a moment when the broker (frozen with SIGSTOP for it) has not
 * acknowledged the last several hundred; started again on the same outbox directory, it
 * sends what it had not yet published. An independent subscriber receives all 20,000; the
 * publishes whose acknowledgement the crash cut off come from the outbox (at least once:
 * duplicates reported). Both client libraries.
 */
class OutboxCrashReliabilityTests {

	private static final int MESSAGES = 20_000;

	private static final int KILL_AFTER = 6_000;

	/** Publishes made while the broker is frozen, before the kill: none acknowledged. */
	private static final int UNACKNOWLEDGED = 500;

	/** About 4 s for the first run's 20,000, so that the kill comes mid-burst. */
	private static final String PACE_MICROS = "200";

	private static final Pattern PUBLISHED = Pattern.compile("PUBLISHED (\\d+)");

	private static final Pattern DONE = Pattern.compile(Pattern.quote(OutboxPublisherApplication.DONE)
			+ " replayed=(\\d+) failed=(\\d+) pending=(\\d+)");

	@TempDir
	Path temp;

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void publishesCutOffBySigkillAreSentAtTheNextStart(String library) throws Exception {
		// no queue limit for the subscriber: mosquitto drops what exceeds max_queued_messages (1000) at full speed
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
			String topic = ReliabilityApps.unique("reliability/outbox");
			String clientId = ReliabilityApps.unique("outbox-pub").replace('/', '-');
			Path outbox = this.temp.resolve("outbox");
			Tally tally = new Tally();
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-library=" + library)
				.run((subscriber) -> {
					DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(
							subscriber.getBean(MqttConnection.class), "outbox-listener", List.of(topic), 1, null, tally::add);
					container.start();
					try {
						Set<Integer> made = firstRunKilledMidBurst(broker, library, clientId, outbox, topic);
						int published = made.size();
						long receivedBeforeRestart = tally.distinct();
						List<Integer> rest = IntStream.range(0, MESSAGES).filter((n) -> !made.contains(n)).boxed().toList();
						Matcher done = secondRun(broker, library, clientId, outbox, topic, rest);
						long replayed = Long.parseLong(done.group(1));
						try {
							await().atMost(Duration.ofSeconds(30)).until(() -> tally.distinct() >= MESSAGES);
						}
						catch (org.awaitility.core.ConditionTimeoutException ex) {
							// reported and asserted below
						}
						long lost = tally.missing(MESSAGES);
						ReliabilityReport.scenario(library, "Application killed (SIGKILL) mid-burst of " + MESSAGES
								+ " QoS 1, durable outbox on, restarted")
							.sent(MESSAGES)
							.received(tally.total())
							.lost(lost)
							.duplicates(tally.duplicates())
							.note("killed after " + published + " publishes made; " + receivedBeforeRestart
									+ " had arrived; " + replayed + " sent again from the outbox at the next start")
							.write();
						assertThat(lost).as("messages lost, e.g. %s; publisher: %s", IntStream.range(0, MESSAGES)
							.filter((n) -> !tally.contains(n)).limit(10).boxed().toList(), done.group()).isZero();
						assertThat(replayed).as("publishes the crash cut off (the outbox is what saved them)").isPositive();
						assertThat(Long.parseLong(done.group(2))).as("failed futures").isZero();
						assertThat(Long.parseLong(done.group(3))).as("left in the outbox").isZero();
					}
					finally {
						container.stop();
					}
				});
		}
	}

	private Set<Integer> firstRunKilledMidBurst(MosquittoBroker broker, String library, String clientId, Path outbox,
			String topic) throws Exception {
		Path numbers = numbers("first", IntStream.range(0, MESSAGES).boxed().toList());
		try (ChildJvm jvm = ChildJvm.start("outbox-publisher-1", OutboxPublisherApplication.class,
				List.of(broker.url(), library, clientId, outbox.toString(), topic, numbers.toString(), PACE_MICROS))) {
			List<String> output = jvm.output();
			try {
				await().atMost(Duration.ofSeconds(60)).failFast(() -> !jvm.isAlive())
					.until(() -> output.size() > KILL_AFTER && published(output).size() >= KILL_AFTER);
				broker.pause();
				int before = published(output).size();
				await().atMost(Duration.ofSeconds(20)).failFast(() -> !jvm.isAlive())
					.until(() -> published(output).size() >= before + UNACKNOWLEDGED);
			}
			catch (Throwable ex) {
				throw new AssertionError("Publisher's output:\n" + tail(output), ex);
			}
			finally {
				jvm.process().destroyForcibly();
				assertThat(jvm.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
				broker.resume();
			}
			assertThat(output).noneMatch((line) -> line.startsWith(OutboxPublisherApplication.DONE));
			return published(output);
		}
	}

	private Matcher secondRun(MosquittoBroker broker, String library, String clientId, Path outbox, String topic,
			List<Integer> rest) throws Exception {
		Path numbers = numbers("second", rest);
		try (ChildJvm jvm = ChildJvm.start("outbox-publisher-2", OutboxPublisherApplication.class,
				List.of(broker.url(), library, clientId, outbox.toString(), topic, numbers.toString(), "0"))) {
			List<String> output = jvm.output();
			try {
				await().atMost(Duration.ofSeconds(120)).failFast(() -> !jvm.isAlive() && done(output) == null)
					.until(() -> done(output) != null);
			}
			catch (Throwable ex) {
				throw new AssertionError("Publisher's output:\n" + tail(output), ex);
			}
			System.out.println("Second run of the publisher:\n" + tail(output));
			return done(output);
		}
	}

	private Path numbers(String name, List<Integer> numbers) throws Exception {
		Path file = this.temp.resolve(name + ".txt");
		Files.write(file, numbers.stream().map(String::valueOf).toList());
		return file;
	}

	private static Set<Integer> published(List<String> output) {
		List<String> lines;
		synchronized (output) {
			lines = new ArrayList<>(output);
		}
		return lines.stream()
			.map(PUBLISHED::matcher)
			.filter(Matcher::matches)
			.map((matcher) -> Integer.valueOf(matcher.group(1)))
			.collect(Collectors.toSet());
	}

	private static Matcher done(List<String> output) {
		List<String> lines;
		synchronized (output) {
			lines = new ArrayList<>(output);
		}
		for (String line : lines) {
			Matcher matcher = DONE.matcher(line);
			if (matcher.matches()) {
				return matcher;
			}
		}
		return null;
	}

	private static String tail(List<String> output) {
		List<String> lines;
		synchronized (output) {
			lines = new ArrayList<>(output);
		}
		return lines.stream().filter((line) -> !line.startsWith("PUBLISHED")).limit(200).collect(Collectors.joining("\n"));
	}

}
