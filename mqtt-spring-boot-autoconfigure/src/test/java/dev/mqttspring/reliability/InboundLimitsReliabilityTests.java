package dev.mqttspring.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Inbound limits (issue 21): no publisher takes the application down with big messages or
 * a flood. The application ({@link InboundLimitsApplication}) runs in its own JVM with
 * {@code -Xmx256m} and the default limits ({@code mqtt.max-inbound-packet-size} 4MB,
 * {@code mqtt.listener.queue-capacity} 1000, {@code mqtt.listener.queue-memory} 16MB); the
 * publishers are {@code mosquitto_pub} processes.
 * <p>
 * The flood's scale is set with {@code -Dinbound.flood.qos0=200000 -Dinbound.flood.qos1=20000}
 * (the full scale, about 200 s per library for the QoS 1 messages alone at 10 ms
 * each); the default, 20,000 and 1,000, keeps the class within CI's budget.
 */
class InboundLimitsReliabilityTests {

	private static final int BIG_MESSAGES = 6;

	private static final int BIG_SIZE = 60 * 1024 * 1024;

	private static final int FLOOD_QOS0 = Integer.getInteger("inbound.flood.qos0", 20_000);

	private static final int FLOOD_QOS1 = Integer.getInteger("inbound.flood.qos1", 1_000);

	private static final int FLOOD_PAYLOAD = 1024;

	private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

	@TempDir
	static Path directory;

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "hivemq, 5", "hivemq, 3.1.1", "paho, 5", "paho, 3.1.1" })
	void sixMessagesOf60MbLeaveTheApplicationUp(String library, String version) throws Exception {
		assumeTrue(mosquittoPub() != null, "mosquitto_pub not found; install mosquitto-clients");
		Path big = directory.resolve("big.bin");
		if (!Files.exists(big)) {
			byte[] chunk = new byte[1024 * 1024];
			Arrays.fill(chunk, (byte) 'x');
			try (OutputStream out = Files.newOutputStream(big)) {
				for (int i = 0; i < BIG_SIZE / chunk.length; i++) {
					out.write(chunk);
				}
			}
		}
		try (MosquittoBroker broker = MosquittoBroker.builder().maxPacketSize(100 * 1024 * 1024).logDebug().start()) {
			String prefix = ReliabilityApps.unique("reliability/inbound");
			ChildJvm jvm = start(broker, library, version, prefix);
			try {
				awaitReady(jvm);
				long start = System.nanoTime();
				List<Process> publishers = new ArrayList<>();
				for (int i = 0; i < BIG_MESSAGES; i++) {
					publishers.add(publish(broker, prefix + "/big/" + i, 1, "-f", big.toString()));
				}
				for (Process publisher : publishers) {
					assertThat(publisher.waitFor(60, TimeUnit.SECONDS)).as("publisher finished").isTrue();
				}
				Duration published = ReliabilityApps.since(start);
				// Paho on MQTT 3.1.1 reads a 60 MB message into three arrays before the connection sees it:
				// its reading thread runs out of memory, and the connection drops and reconnects instead
				boolean pahoThreeOneOne = library.equals("paho") && version.equals("3.1.1");
				await().atMost(Duration.ofSeconds(60)).failFast(() -> !jvm.isAlive())
					.until(() -> dropped(version, jvm, broker) >= BIG_MESSAGES
							|| (pahoThreeOneOne && !reconnects(jvm).isEmpty()));
				assertThat(publish(broker, prefix + "/big/small", 1, "-m", "small").waitFor(10, TimeUnit.SECONDS)).isTrue();
				await().atMost(Duration.ofSeconds(30)).failFast(() -> !jvm.isAlive())
					.until(() -> status(jvm).getOrDefault("small", "0").equals("1"));
				Duration smallArrived = ReliabilityApps.since(start);
				await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status(jvm).get("health")));
				Map<String, String> status = status(jvm);
				List<Long> reconnects = reconnects(jvm);
				List<String> causes = jvm.output().stream().filter((line) -> line.startsWith("LOST ")).toList();
				ReliabilityReport.scenario(library, "Six 60 MB messages to a subscribed topic, MQTT " + version
						+ ", application -Xmx256m, default mqtt.max-inbound-packet-size (4MB)")
					.sent(BIG_MESSAGES + 1)
					.received(Long.parseLong(status.get("small")) + Long.parseLong(status.get("big")))
					.recover(smallArrived)
					.note("JVM up, health " + status.get("health") + "; " + (version.equals("5")
							? "the broker discarded " + brokerDrops(broker) + " (CONNECT Maximum Packet Size), client drops "
									+ status.get("tooLarge")
							: "the client dropped " + status.get("tooLarge") + " (mqtt.listener.dropped, too-large)")
							+ "; connection losses " + causes.size()
							+ (causes.isEmpty() ? "" : " (" + causes.get(0).replaceFirst("LOST \\d+ ", "")
									+ "; reconnected after " + reconnects + " ms)")
							+ "; published in " + ReliabilityReport.format(published)
							+ ", next small message received " + ReliabilityReport.format(smallArrived) + " after the first "
							+ "publish; heap: largest used " + status.get("maxUsedMb") + " MB")
					.write();
				assertThat(jvm.isAlive()).isTrue();
				assertThat(jvm.output()).noneMatch((line) -> line.startsWith("Exception in thread"));
				assertThat(status.get("big")).isEqualTo("0");
				if (pahoThreeOneOne) {
					assertThat(causes).allMatch((cause) -> cause.contains("OutOfMemoryError"));
					assertThat(reconnects).allMatch((millis) -> millis < 5000);
				}
				else {
					assertThat(jvm.output()).noneMatch((line) -> line.contains("OutOfMemoryError"));
					assertThat(causes).as("connection losses").isEmpty();
				}
			}
			catch (Throwable ex) {
				throw new AssertionError("Application output:\n" + String.join("\n", tail(jvm.output())), ex);
			}
			finally {
				jvm.close();
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "hivemq", "paho" })
	void floodOfQos0AndQos1KeepsTheHeapBounded(String library) throws Exception {
		assumeTrue(mosquittoPub() != null, "mosquitto_pub not found; install mosquitto-clients");
		Path qos0 = lines(directory.resolve("qos0-" + FLOOD_QOS0 + ".txt"), FLOOD_QOS0);
		Path qos1 = lines(directory.resolve("qos1-" + FLOOD_QOS1 + ".txt"), FLOOD_QOS1);
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
			String prefix = ReliabilityApps.unique("reliability/flood");
			ChildJvm jvm = start(broker, library, "5", prefix);
			try {
				awaitReady(jvm);
				long start = System.nanoTime();
				Process zero = publish(broker, prefix + "/flood/q0", 0, "-l");
				Process one = publish(broker, prefix + "/flood/q1", 1, "-l");
				feed(zero, qos0);
				feed(one, qos1);
				assertThat(zero.waitFor(120, TimeUnit.SECONDS)).as("QoS 0 publisher finished").isTrue();
				assertThat(one.waitFor(120, TimeUnit.SECONDS)).as("QoS 1 publisher finished").isTrue();
				Duration published = ReliabilityApps.since(start);
				await().atMost(Duration.ofSeconds(30 + FLOOD_QOS1 / 50)).failFast(() -> !jvm.isAlive())
					.until(() -> Long.parseLong(status(jvm).getOrDefault("q1", "0")) >= FLOOD_QOS1 && Long
						.parseLong(status(jvm).get("q0")) + Long.parseLong(status(jvm).get("queueFull")) >= FLOOD_QOS0);
				Duration processed = ReliabilityApps.since(start);
				Map<String, String> status = status(jvm);
				long q0 = Long.parseLong(status.get("q0"));
				long dropped = Long.parseLong(status.get("queueFull"));
				ReliabilityReport.scenario(library, "Flood at full speed: " + FLOOD_QOS0 + " QoS 0 + " + FLOOD_QOS1
						+ " QoS 1 (1 KiB) to a listener taking 10 ms per message, application -Xmx256m, default limits")
					.sent(FLOOD_QOS0 + FLOOD_QOS1)
					.received(q0 + Long.parseLong(status.get("q1")))
					.lost(FLOOD_QOS0 + FLOOD_QOS1 - q0 - Long.parseLong(status.get("q1")))
					.recover(processed)
					.note("QoS 1: " + status.get("q1") + "/" + FLOOD_QOS1 + " processed; QoS 0: " + q0 + " processed, "
							+ dropped + " dropped and counted (mqtt.listener.dropped, queue-full); longest queue "
							+ status.get("maxQueue") + "; heap: largest live after GC " + status.get("maxLiveMb")
							+ " MB, largest used " + status.get("maxUsedMb") + " MB; no OutOfMemoryError; published in "
							+ ReliabilityReport.format(published))
					.write();
				assertThat(jvm.isAlive()).isTrue();
				assertThat(jvm.output()).noneMatch((line) -> line.contains("OutOfMemoryError"));
				assertThat(Long.parseLong(status.get("q1"))).isEqualTo(FLOOD_QOS1);
				assertThat(q0 + dropped).isEqualTo(FLOOD_QOS0);
				assertThat(dropped).isPositive();
				assertThat(Long.parseLong(status.get("maxQueue"))).isLessThanOrEqualTo(1000 + FLOOD_QOS1);
				assertThat(Long.parseLong(status.get("maxLiveMb"))).isLessThan(128);
			}
			catch (Throwable ex) {
				throw new AssertionError("Application output:\n" + String.join("\n", tail(jvm.output())), ex);
			}
			finally {
				jvm.close();
			}
		}
	}

	private static ChildJvm start(MosquittoBroker broker, String library, String version, String prefix) {
		return ChildJvm.start("inbound-limits", InboundLimitsApplication.class,
				List.of("--mqtt.url=" + broker.url(), "--mqtt.client-library=" + library, "--mqtt.version=" + version,
						"--test.prefix=" + prefix, "--mqtt.reconnect-delay=100ms", "--mqtt.fail-fast=true"));
	}

	private static void awaitReady(ChildJvm jvm) {
		await().atMost(Duration.ofSeconds(60)).failFast(() -> !jvm.isAlive())
			.until(() -> jvm.output().contains(InboundLimitsApplication.READY));
	}

	private static long dropped(String version, ChildJvm jvm, MosquittoBroker broker) {
		return version.equals("5") ? brokerDrops(broker) : Long.parseLong(status(jvm).getOrDefault("tooLarge", "0"));
	}

	/**
	 * The milliseconds from each connection loss to the next connect.
	 */
	private static List<Long> reconnects(ChildJvm jvm) {
		List<Long> result = new ArrayList<>();
		Long lostAt = null;
		for (String line : new ArrayList<>(jvm.output())) {
			if (line.startsWith("LOST ")) {
				lostAt = Long.parseLong(line.split(" ")[1]);
			}
			else if (line.startsWith("CONNECTED ") && lostAt != null) {
				result.add(Long.parseLong(line.split(" ")[1]) - lostAt);
				lostAt = null;
			}
		}
		return result;
	}

	private static long brokerDrops(MosquittoBroker broker) {
		return broker.log().lines().filter((line) -> line.contains("Dropping too large outgoing PUBLISH")).count();
	}

	/**
	 * The fields of the last STATUS line.
	 */
	private static Map<String, String> status(ChildJvm jvm) {
		List<String> output = jvm.output();
		for (int i = output.size() - 1; i >= 0; i--) {
			if (output.get(i).startsWith("STATUS ")) {
				Map<String, String> fields = new TreeMap<>();
				Matcher matcher = FIELD.matcher(output.get(i));
				while (matcher.find()) {
					fields.put(matcher.group(1), matcher.group(2));
				}
				return fields;
			}
		}
		return Map.of();
	}

	private static Process publish(MosquittoBroker broker, String topic, int qos, String... message) throws IOException {
		List<String> command = new ArrayList<>(List.of(mosquittoPub(), "-h", "127.0.0.1", "-p",
				String.valueOf(broker.port()), "-V", "5", "-q", String.valueOf(qos), "-t", topic));
		command.addAll(List.of(message));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
	}

	private static void feed(Process publisher, Path lines) throws IOException {
		try (OutputStream in = publisher.getOutputStream()) {
			Files.copy(lines, in);
		}
	}

	private static Path lines(Path file, int count) throws IOException {
		if (!Files.exists(file)) {
			String line = "m".repeat(FLOOD_PAYLOAD - 1) + "\n";
			try (OutputStream out = Files.newOutputStream(file)) {
				byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
				for (int i = 0; i < count; i++) {
					out.write(bytes);
				}
			}
		}
		return file;
	}

	private static String mosquittoPub() {
		for (String candidate : List.of("/usr/bin/mosquitto_pub", "/usr/local/bin/mosquitto_pub")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		return null;
	}

	private static List<String> tail(List<String> output) {
		List<String> lines = new ArrayList<>(output);
		List<String> result = new ArrayList<>(lines.stream().filter((line) -> !line.startsWith("STATUS ")).toList());
		if (result.size() > 200) {
			result = result.subList(result.size() - 200, result.size());
		}
		lines.stream().filter((line) -> line.startsWith("STATUS ")).reduce((a, b) -> b).ifPresent(result::add);
		return result;
	}

}
