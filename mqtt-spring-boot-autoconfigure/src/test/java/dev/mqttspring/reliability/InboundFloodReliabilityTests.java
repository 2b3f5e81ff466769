package dev.mqttspring.reliability;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.MosquittoBroker;

import static dev.mqttspring.reliability.InboundLimitsSupport.count;
import static dev.mqttspring.reliability.InboundLimitsSupport.feed;
import static dev.mqttspring.reliability.InboundLimitsSupport.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A flood (issue 21): two publishers send QoS 0 and QoS 1 messages of 1 KiB at full speed,
 * interleaved, to a listener that takes 10 ms per message, in an application
 * ({@link InboundLimitsApplication}) in its own JVM with {@code -Xmx256m} and the default
 * limits (MQTT 5; mosquitto with no queue limit, so that it keeps every QoS 1 message). The
 * heap stays bounded, there is no {@code OutOfMemoryError}, every QoS 1 message is
 * processed, and every QoS 0 message is either processed or dropped and counted.
 * <p>
 * Scale: {@code -Dinbound.flood.qos0=200000 -Dinbound.flood.qos1=20000} is the (the
 * QoS 1 messages alone take 200 s per library at 10 ms each); the default, 20,000 and
 * 1,000, keeps the class under a minute for both libraries.
 */
class InboundFloodReliabilityTests {

	private static final int QOS0 = Integer.getInteger("inbound.flood.qos0", 20_000);

	private static final int QOS1 = Integer.getInteger("inbound.flood.qos1", 1_000);

	private static final int PAYLOAD = 1024;

	@TempDir
	static Path directory;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "hivemq", "paho" })
	void floodOfQos0AndQos1KeepsTheHeapBounded(String library) throws Exception {
		assumeTrue(InboundLimitsSupport.mosquittoPub() != null, "mosquitto_pub not found; install mosquitto-clients");
		Path qos0 = lines(directory.resolve("qos0.txt"), QOS0);
		Path qos1 = lines(directory.resolve("qos1.txt"), QOS1);
		try (MosquittoBroker broker = MosquittoBroker.builder().maxQueuedMessages(0).start()) {
			String prefix = ReliabilityApps.unique("reliability/flood");
			ChildJvm jvm = InboundLimitsSupport.start(broker, library, "5", prefix);
			try {
				long start = System.nanoTime();
				Process zero = publish(broker, prefix + "/flood/q0", 0, "-l");
				Process one = publish(broker, prefix + "/flood/q1", 1, "-l");
				feed(zero, qos0);
				feed(one, qos1);
				assertThat(zero.waitFor(120, TimeUnit.SECONDS)).as("QoS 0 publisher finished").isTrue();
				assertThat(one.waitFor(120, TimeUnit.SECONDS)).as("QoS 1 publisher finished").isTrue();
				Duration published = ReliabilityApps.since(start);
				await().atMost(Duration.ofSeconds(30 + QOS1 / 50)).failFast(() -> !jvm.isAlive())
					.until(() -> count(jvm, "v5_q1") >= QOS1 && count(jvm, "v5_q0") + count(jvm, "v5_queueFull") >= QOS0);
				Duration processed = ReliabilityApps.since(start);
				long q0 = count(jvm, "v5_q0");
				long q1 = count(jvm, "v5_q1");
				long dropped = count(jvm, "v5_queueFull");
				ReliabilityReport.scenario(library, "Flood at full speed: " + QOS0 + " QoS 0 + " + QOS1
						+ " QoS 1 (1 KiB) to a listener taking 10 ms per message, application -Xmx256m, default limits")
					.sent(QOS0 + QOS1)
					.received(q0 + q1)
					.lost(QOS0 + QOS1 - q0 - q1)
					.recover(processed)
					.note("QoS 1: " + q1 + "/" + QOS1 + " processed; QoS 0: " + q0 + " processed, " + dropped
							+ " dropped and counted (mqtt.listener.dropped, queue-full); longest queue "
							+ count(jvm, "maxQueue") + "; heap: largest live after GC " + count(jvm, "maxLiveMb")
							+ " MB, largest used " + count(jvm, "maxUsedMb") + " MB; no OutOfMemoryError; published in "
							+ ReliabilityReport.format(published))
					.write();
				assertThat(jvm.isAlive()).isTrue();
				assertThat(jvm.output()).noneMatch((line) -> line.contains("OutOfMemoryError"));
				assertThat(q1).isEqualTo(QOS1);
				assertThat(q0 + dropped).isEqualTo(QOS0);
				assertThat(dropped).isPositive();
				// QoS 0 waits only while the queue holds fewer than 1,000 (mqtt.listener.queue-capacity);
				// QoS 1 waits beyond, unacknowledged, up to the broker's in-flight window
				assertThat(count(jvm, "maxQueue")).isLessThanOrEqualTo(1000 + QOS1);
				assertThat(count(jvm, "maxLiveMb")).isLessThan(128);
			}
			catch (Throwable ex) {
				throw new AssertionError("Application output:\n" + InboundLimitsSupport.output(jvm), ex);
			}
			finally {
				jvm.close();
			}
		}
	}

	private static Path lines(Path file, int count) throws Exception {
		if (!Files.exists(file)) {
			byte[] line = ("m".repeat(PAYLOAD - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
			try (OutputStream out = Files.newOutputStream(file)) {
				for (int i = 0; i < count; i++) {
					out.write(line);
				}
			}
		}
		return file;
	}

}
