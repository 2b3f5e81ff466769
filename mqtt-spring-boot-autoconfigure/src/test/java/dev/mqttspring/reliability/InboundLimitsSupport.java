package dev.mqttspring.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.awaitility.Awaitility.await;

/**
 * What the inbound-limits scenarios share: the application in its own JVM
 * ({@link InboundLimitsApplication}), its status lines, and {@code mosquitto_pub} publishers.
 */
final class InboundLimitsSupport {

	private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

	private InboundLimitsSupport() {
	}

	static ChildJvm start(MosquittoBroker broker, String library, String versions, String prefix) {
		ChildJvm jvm = ChildJvm.start("inbound-limits", InboundLimitsApplication.class,
				List.of("--mqtt.url=" + broker.url(), "--mqtt.client-library=" + library, "--test.versions=" + versions,
						"--test.prefix=" + prefix, "--mqtt.reconnect-delay=100ms", "--mqtt.fail-fast=true"));
		await().atMost(Duration.ofSeconds(60)).failFast(() -> !jvm.isAlive())
			.until(() -> jvm.output().contains(InboundLimitsApplication.READY));
		return jvm;
	}

	/**
	 * The fields of the last STATUS line.
	 */
	static Map<String, String> status(ChildJvm jvm) {
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

	static long count(ChildJvm jvm, String field) {
		return Long.parseLong(status(jvm).getOrDefault(field, "0"));
	}

	/**
	 * The causes of the connection losses of one application context ({@code v5}, {@code v311}).
	 */
	static List<String> losses(ChildJvm jvm, String label) {
		return new ArrayList<>(jvm.output()).stream()
			.filter((line) -> line.startsWith("LOST " + label + " "))
			.map((line) -> line.split(" ", 4)[3])
			.toList();
	}

	/**
	 * The milliseconds from each connection loss of one application context to its next connect.
	 */
	static List<Long> reconnects(ChildJvm jvm, String label) {
		List<Long> result = new ArrayList<>();
		Long lostAt = null;
		for (String line : new ArrayList<>(jvm.output())) {
			if (line.startsWith("LOST " + label + " ")) {
				lostAt = Long.parseLong(line.split(" ")[2]);
			}
			else if (line.startsWith("CONNECTED " + label + " ") && lostAt != null) {
				result.add(Long.parseLong(line.split(" ")[2]) - lostAt);
				lostAt = null;
			}
		}
		return result;
	}

	static Process publish(MosquittoBroker broker, String topic, int qos, String... message) throws IOException {
		List<String> command = new ArrayList<>(List.of(mosquittoPub(), "-h", "127.0.0.1", "-p",
				String.valueOf(broker.port()), "-V", "5", "-q", String.valueOf(qos), "-t", topic));
		command.addAll(List.of(message));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
	}

	static void feed(Process publisher, Path lines) throws IOException {
		try (OutputStream in = publisher.getOutputStream()) {
			Files.copy(lines, in);
		}
	}

	static @Nullable String mosquittoPub() {
		for (String candidate : List.of("/usr/bin/mosquitto_pub", "/usr/local/bin/mosquitto_pub")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * The application's output for a failure message: the last 200 lines but the status
	 * lines, then the last status line.
	 */
	static String output(ChildJvm jvm) {
		List<String> lines = new ArrayList<>(jvm.output());
		List<String> result = new ArrayList<>(lines.stream().filter((line) -> !line.startsWith("STATUS ")).toList());
		if (result.size() > 200) {
			result = result.subList(result.size() - 200, result.size());
		}
		lines.stream().filter((line) -> line.startsWith("STATUS ")).reduce((a, b) -> b).ifPresent(result::add);
		return String.join("\n", result);
	}

}
