package dev.mqttspring.reliability;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.MosquittoBroker;

import static dev.mqttspring.reliability.InboundLimitsSupport.count;
import static dev.mqttspring.reliability.InboundLimitsSupport.losses;
import static dev.mqttspring.reliability.InboundLimitsSupport.publish;
import static dev.mqttspring.reliability.InboundLimitsSupport.reconnects;
import static dev.mqttspring.reliability.InboundLimitsSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Big messages (issue 21): six publishers each send one 60 MB message to a topic that the
 * application ({@link InboundLimitsApplication}, its own JVM, {@code -Xmx256m}, the default
 * {@code mqtt.max-inbound-packet-size} of 4MB) subscribes to with QoS 1, once over MQTT 5
 * and once over MQTT 3.1.1 (one application context each, in the same JVM); mosquitto
 * accepts packets up to 100 MB. The JVM stays up, health is UP, the drops are counted
 * (MQTT 5: by the broker, which honours the Maximum Packet Size of the CONNECT; MQTT 3.1.1:
 * by the client, {@code mqtt.listener.dropped}) and the next small message arrives.
 * Paho on MQTT 3.1.1 reads a whole packet into three arrays before the connection sees it,
 * so its reading thread runs out of memory: the connection reports it and reconnects at once.
 */
class InboundBigMessageReliabilityTests {

	private static final int MESSAGES = 6;

	private static final int SIZE = 60 * 1024 * 1024;

	@TempDir
	static Path directory;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "hivemq", "paho" })
	void sixMessagesOf60MbLeaveTheApplicationUp(String library) throws Exception {
		assumeTrue(InboundLimitsSupport.mosquittoPub() != null, "mosquitto_pub not found; install mosquitto-clients");
		Path big = bigFile();
		try (MosquittoBroker broker = MosquittoBroker.builder().maxPacketSize(100 * 1024 * 1024).logDebug().start()) {
			String prefix = ReliabilityApps.unique("reliability/inbound");
			ChildJvm jvm = InboundLimitsSupport.start(broker, library, "5,3.1.1", prefix);
			boolean paho = library.equals("paho");
			try {
				long start = System.nanoTime();
				List<Process> publishers = new ArrayList<>();
				for (int i = 0; i < MESSAGES; i++) {
					publishers.add(publish(broker, prefix + "/big/" + i, 1, "-f", big.toString()));
				}
				for (Process publisher : publishers) {
					assertThat(publisher.waitFor(120, TimeUnit.SECONDS)).as("publisher finished").isTrue();
				}
				Duration published = ReliabilityApps.since(start);
				await().atMost(Duration.ofSeconds(60)).failFast(() -> !jvm.isAlive())
					.until(() -> brokerDrops(broker) >= MESSAGES
							&& (count(jvm, "v311_tooLarge") >= MESSAGES || (paho && !reconnects(jvm, "v311").isEmpty())));
				assertThat(publish(broker, prefix + "/big/small", 1, "-m", "small").waitFor(10, TimeUnit.SECONDS)).isTrue();
				await().atMost(Duration.ofSeconds(30)).failFast(() -> !jvm.isAlive())
					.until(() -> count(jvm, "v5_small") == 1 && count(jvm, "v311_small") == 1);
				Duration smallArrived = ReliabilityApps.since(start);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> "UP".equals(status(jvm).get("v5_health")) && "UP".equals(status(jvm).get("v311_health")));
				Map<String, String> status = status(jvm);
				for (String version : List.of("5", "3.1.1")) {
					String label = "v" + version.replace(".", "");
					List<String> losses = losses(jvm, label);
					ReliabilityReport.scenario(library, "Six 60 MB messages to a subscribed topic, MQTT " + version
							+ ", application -Xmx256m, default mqtt.max-inbound-packet-size (4MB)")
						.sent(MESSAGES + 1)
						.received(count(jvm, label + "_small") + count(jvm, label + "_big"))
						.recover(smallArrived)
						.note("JVM up, health " + status.get(label + "_health") + "; " + (version.equals("5")
								? "the broker discarded " + brokerDrops(broker) + " (CONNECT Maximum Packet Size)"
								: "the client dropped " + status.get(label + "_tooLarge") + " (mqtt.listener.dropped, too-large)")
								+ "; connection losses " + losses.size()
								+ (losses.isEmpty() ? "" : " (" + losses.get(0) + "; reconnected after "
										+ reconnects(jvm, label) + " ms)")
								+ "; published in " + ReliabilityReport.format(published)
								+ ", small message received " + ReliabilityReport.format(smallArrived) + " after the first "
								+ "publish; heap: largest used " + status.get("maxUsedMb") + " MB (both contexts)")
						.write();
				}
				assertThat(jvm.isAlive()).isTrue();
				assertThat(jvm.output()).noneMatch((line) -> line.startsWith("Exception in thread"));
				assertThat(count(jvm, "v5_big") + count(jvm, "v311_big")).isZero();
				assertThat(losses(jvm, "v5")).as("MQTT 5 connection losses").isEmpty();
				if (paho) {
					assertThat(losses(jvm, "v311")).allMatch((cause) -> cause.contains("OutOfMemoryError"));
					assertThat(reconnects(jvm, "v311")).allMatch((millis) -> millis < 5000);
				}
				else {
					assertThat(jvm.output()).noneMatch((line) -> line.contains("OutOfMemoryError"));
					assertThat(losses(jvm, "v311")).as("MQTT 3.1.1 connection losses").isEmpty();
				}
			}
			catch (Throwable ex) {
				throw new AssertionError("Application output:\n" + InboundLimitsSupport.output(jvm), ex);
			}
			finally {
				jvm.close();
			}
		}
	}

	private static long brokerDrops(MosquittoBroker broker) {
		return broker.log().lines().filter((line) -> line.contains("Dropping too large outgoing PUBLISH")).count();
	}

	private static Path bigFile() throws Exception {
		Path big = directory.resolve("big.bin");
		if (!Files.exists(big)) {
			byte[] chunk = new byte[1024 * 1024];
			Arrays.fill(chunk, (byte) 'x');
			try (OutputStream out = Files.newOutputStream(big)) {
				for (int i = 0; i < SIZE / chunk.length; i++) {
					out.write(chunk);
				}
			}
		}
		return big;
	}

}
