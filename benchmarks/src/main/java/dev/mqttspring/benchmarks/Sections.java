package dev.mqttspring.benchmarks;

import java.util.List;

/**
 * The parts that need the starter's template and listeners.
 */
final class Sections {

	private Sections() {
	}

	static List<ContenderSpec> starterContenders() {
		return List.of(new ContenderSpec("d", "(d) starter", false, StarterContender::new));
	}

	static void scaling(BenchmarkRunner.Options options, Broker broker, Report report) {
		report.scalingNote = "Not run: the starter's MqttTemplate and @MqttSubscribe are not available yet.";
	}

	static void jmh(BenchmarkRunner.Options options, Report report) {
	}

}
