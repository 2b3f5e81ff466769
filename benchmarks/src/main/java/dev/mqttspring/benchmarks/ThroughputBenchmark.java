package dev.mqttspring.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end throughput, 1 publisher, 1 subscriber, every message counted by sequence
 * number. Contenders alternate within each scenario and their order rotates per run, so
 * machine drift hits all alike.
 */
final class ThroughputBenchmark {

	private static final AtomicInteger TOPICS = new AtomicInteger();

	private final Broker broker;

	private final List<ContenderSpec> contenders;

	private final List<Scenario> scenarios;

	private final int runs;

	private final Scenario warmUp;

	private final List<ThroughputResult> results = new ArrayList<>();

	ThroughputBenchmark(Broker broker, List<ContenderSpec> contenders, List<Scenario> scenarios, int runs,
			Scenario warmUp) {
		this.broker = broker;
		this.contenders = contenders;
		this.scenarios = scenarios;
		this.runs = runs;
		this.warmUp = warmUp;
	}

	List<ThroughputResult> run() {
		if (this.warmUp != null) {
			for (ContenderSpec spec : this.contenders) {
				ThroughputResult result = measure(spec, this.warmUp, 0);
				log("warm-up %-6s %-22s %s", spec.key(), this.warmUp.label(), describe(result));
			}
		}
		for (int run = 1; run <= this.runs; run++) {
			for (Scenario scenario : this.scenarios) {
				for (int i = 0; i < this.contenders.size(); i++) {
					ContenderSpec spec = this.contenders.get((i + run - 1) % this.contenders.size());
					ThroughputResult result = measure(spec, scenario, run);
					this.results.add(result);
					log("run %d/%d %-6s %-22s %s", run, this.runs, spec.key(), scenario.label(), describe(result));
				}
			}
		}
		return this.results;
	}

	static ThroughputResult measure(ContenderSpec spec, Scenario scenario, int run, Broker broker) {
		return new ThroughputBenchmark(broker, List.of(spec), List.of(scenario), 1, null).measure(spec, scenario, run);
	}

	private ThroughputResult measure(ContenderSpec spec, Scenario scenario, int run) {
		String topic = "bench/" + spec.key() + "/" + scenario.key() + "/" + run + "/" + TOPICS.incrementAndGet();
		SequenceTracker tracker = new SequenceTracker(scenario.count());
		Payloads payloads = new Payloads(scenario.payloadSize());
		long timeoutMillis = 30_000 + scenario.count();
		long start = 0;
		long published = 0;
		String error = null;
		System.gc();
		try (Contender contender = spec.factory().get()) {
			contender.start(this.broker, topic, scenario.qos(), tracker);
			start = System.nanoTime();
			for (int sequence = 0; sequence < scenario.count(); sequence++) {
				contender.publish(payloads.create(sequence));
			}
			published = System.nanoTime() - start;
			contender.awaitPublished(timeoutMillis);
			boolean all = (scenario.qos() == 0) ? tracker.awaitAllOrQuiet(timeoutMillis, 2_000)
					: tracker.awaitAll(timeoutMillis);
			if (!all && scenario.qos() > 0) {
				error = "received " + tracker.unique() + " of " + scenario.count() + " unique messages; missing e.g. "
						+ tracker.missingSample(5);
			}
			else if (scenario.qos() == 2 && tracker.duplicates() > 0) {
				error = tracker.duplicates() + " duplicates at QoS 2";
			}
			else if (tracker.unexpected() > 0) {
				error = tracker.unexpected() + " messages with unknown sequence numbers";
			}
		}
		catch (Exception | LinkageError ex) {
			error = ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (received " + tracker.unique() + " of "
					+ scenario.count() + ")";
			if (Boolean.getBoolean("benchmark.stacktraces")) {
				ex.printStackTrace();
			}
		}
		long elapsed = (tracker.unique() > 0 && start > 0) ? tracker.lastUniqueNanos() - start : 0;
		return new ThroughputResult(spec.key(), scenario, run, tracker.unique(), tracker.duplicates(),
				tracker.unexpected(), elapsed, published, error);
	}

	private static String describe(ThroughputResult result) {
		if (!result.ok()) {
			return "FAILED: " + result.error();
		}
		return String.format("%,10.0f msg/s (%d unique, %d dup, %.2f s, publisher done after %.2f s)",
				result.messagesPerSecond(), result.unique(), result.duplicates(), result.elapsedNanos() / 1e9,
				result.publishNanos() / 1e9);
	}

	static void log(String format, Object... args) {
		System.err.printf("[bench] " + format + "%n", args);
	}

}
