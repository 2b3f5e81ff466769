package dev.mqttspring.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of figures per reliability scenario and client library: printed to stdout and appended as a
 * markdown table row to {@code target/reliability-results.md}, so that the README table
 * can be filled from the last run.
 */
final class ReliabilityReport {

	static final Path RESULTS = Path.of("target", "reliability-results.md");

	private static boolean headerWritten;

	private final String library;

	private final String scenario;

	private String sent = "–";

	private String received = "–";

	private String lost = "–";

	private String duplicates = "–";

	private String detect = "–";

	private String recover = "–";

	private final List<String> notes = new ArrayList<>();

	private ReliabilityReport(String library, String scenario) {
		this.library = ReliabilityApps.label(library);
		this.scenario = scenario;
	}

	/**
	 * Start the figures of a scenario run on the given client library.
	 */
	static ReliabilityReport scenario(String library, String scenario) {
		return new ReliabilityReport(library, scenario);
	}

	ReliabilityReport sent(long sent) {
		this.sent = String.valueOf(sent);
		return this;
	}

	ReliabilityReport received(long received) {
		this.received = String.valueOf(received);
		return this;
	}

	ReliabilityReport lost(long lost) {
		this.lost = String.valueOf(lost);
		return this;
	}

	ReliabilityReport duplicates(long duplicates) {
		this.duplicates = String.valueOf(duplicates);
		return this;
	}

	ReliabilityReport detect(Duration detect) {
		this.detect = format(detect);
		return this;
	}

	ReliabilityReport recover(Duration recover) {
		this.recover = format(recover);
		return this;
	}

	ReliabilityReport note(String note) {
		this.notes.add(note);
		return this;
	}

	static String format(Duration duration) {
		return (duration.toMillis() < 10_000) ? duration.toMillis() + " ms"
				: String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
	}

	/**
	 * Print the figures and append them to the results file; call before asserting so
	 * that a failing scenario is recorded too.
	 */
	void write() {
		String note = String.join("; ", this.notes);
		System.out.println("[reliability] " + this.scenario + " | " + this.library + " | sent=" + this.sent + " received=" + this.received
				+ " lost=" + this.lost + " duplicates=" + this.duplicates + " detect=" + this.detect + " recover="
				+ this.recover + (note.isEmpty() ? "" : " | " + note));
		String row = "| " + escape(this.scenario) + " | " + this.library + " | " + this.sent + " | " + this.received + " | " + this.lost + " | "
				+ this.duplicates + " | " + this.detect + " | " + this.recover + " | " + escape(note) + " |\n";
		append(row);
	}

	private static synchronized void append(String row) {
		try {
			Files.createDirectories(RESULTS.getParent());
			StringBuilder text = new StringBuilder();
			if (!headerWritten) {
				headerWritten = true;
				text.append("\n### Run ").append(Instant.now()).append(" (Java ").append(Runtime.version()).append(", ")
					.append(Runtime.getRuntime().availableProcessors()).append(" CPUs)\n\n")
					.append("| Scenario | Client | Sent | Received | Lost | Duplicates | Detect | Recover | Notes |\n")
					.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
			}
			text.append(row);
			Files.writeString(RESULTS, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String escape(String text) {
		return text.replace("|", "\\|").replace("\n", " ");
	}

}
