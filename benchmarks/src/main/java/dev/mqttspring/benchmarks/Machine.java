package dev.mqttspring.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Describes the machine, the JDK and the library versions of a run.
 */
final class Machine {

	private static final Pattern JAR = Pattern.compile(
			"(org\\.eclipse\\.paho\\.mqttv5\\.client|hivemq-mqtt-client|spring-integration-mqtt|mica-mqtt-client|spring-boot)-(\\d[^/]*?)\\.jar$");

	private Machine() {
	}

	static Map<String, Object> describe() {
		Map<String, Object> machine = new LinkedHashMap<>();
		machine.put("cpu", cpuModel());
		machine.put("cores (nproc)", Runtime.getRuntime().availableProcessors());
		machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		machine.put("jvm max heap", Runtime.getRuntime().maxMemory() / 1048576 + " MiB");
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		machine.put("broker", mosquittoVersion());
		machine.put("libraries", libraries());
		return machine;
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

	private static String mosquittoVersion() {
		try {
			Process process = new ProcessBuilder("/usr/sbin/mosquitto", "-h").redirectErrorStream(true).start();
			if (!process.waitFor(5, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return "mosquitto";
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			Matcher matcher = Pattern.compile("mosquitto version (\\S+)").matcher(output);
			return matcher.find() ? "mosquitto " + matcher.group(1) : "mosquitto";
		}
		catch (IOException ex) {
			return "mosquitto";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "mosquitto";
		}
	}

	private static String libraries() {
		Map<String, String> versions = new LinkedHashMap<>();
		for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
			Matcher matcher = JAR.matcher(entry);
			if (matcher.find()) {
				versions.putIfAbsent(matcher.group(1), matcher.group(2));
			}
		}
		StringBuilder builder = new StringBuilder();
		versions.forEach((name, version) -> builder.append((builder.length() > 0) ? ", " : "").append(name).append(' ')
			.append(version));
		return builder.toString();
	}

}
