package dev.mqttspring.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Java application started in its own JVM with the test's class path, so that a test can kill it
 * (SIGKILL), let it exit, or limit its heap. Its standard output and error are collected line by line.
 */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final List<String> output = new CopyOnWriteArrayList<>();

	private ChildJvm(Process process, String name) {
		this.process = process;
		Thread reader = new Thread(this::read, name + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Starts {@code mainClass} in a new JVM with {@code -Xmx256m}, the test's class path and Docker Compose
	 * support off.
	 * @param name names the thread that reads the output
	 * @param mainClass the class whose {@code main} runs
	 * @param arguments the program arguments
	 * @return the running application
	 */
	public static ChildJvm start(String name, Class<?> mainClass, List<String> arguments) {
		return start(name, mainClass, List.of(), arguments);
	}

	/**
	 * Starts {@code mainClass} in a new JVM like {@link #start(String, Class, List)}, with further JVM
	 * options, e.g. {@code -Djavax.net.ssl.trustStore=...} for a setting the JVM reads once.
	 * @param name names the thread that reads the output
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions the JVM options, before the class path
	 * @param arguments the program arguments
	 * @return the running application
	 */
	public static ChildJvm start(String name, Class<?> mainClass, List<String> jvmOptions, List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-Dspring.docker.compose.enabled=false"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(arguments);
		try {
			return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start(), name);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + mainClass.getName() + " in a new JVM", ex);
		}
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			lines.lines().forEach(this.output::add);
		}
		catch (IOException | UncheckedIOException ex) {
			// the process is gone
		}
	}

	/**
	 * Returns the process.
	 * @return the process
	 */
	public Process process() {
		return this.process;
	}

	/**
	 * Returns the lines the application printed so far (a live, thread-safe view).
	 * @return the output lines
	 */
	public List<String> output() {
		return this.output;
	}

	/**
	 * Returns whether the application is still running.
	 * @return {@code true} while the process is alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the application (SIGKILL) if it still runs.
	 */
	@Override
	public void close() {
		this.process.destroyForcibly();
	}

}
