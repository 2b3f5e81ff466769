package dev.mqttspring.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Process handling for {@link MosquittoBroker}: finding the binary, starting it with its
 * output appended to the log (killed by a shutdown hook if still alive when the JVM
 * exits), waiting for its ports to be free and for it to be ready,
 * waiting for it to exit and sending it signals.
 */
final class MosquittoProcesses {

	private static final long POLL_MILLIS = 20;

	private static final Pattern RUNNING_LINE = Pattern.compile("mosquitto version \\S+ running");

	/** Started processes, killed by a shutdown hook if still alive when the JVM exits. */
	private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

	static {
		Thread hook = new Thread(() -> {
			for (Process process : STARTED) {
				// SIGKILL also ends a SIGSTOPped process
				process.destroyForcibly();
			}
		}, "mosquitto-broker-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
	}

	private MosquittoProcesses() {
	}

	/**
	 * Where a started process stands after {@link #awaitReady}.
	 */
	enum Readiness {

		/** It logged "running" and its ports are open. */
		READY,

		/** It exited. */
		EXITED,

		/** The deadline passed first. */
		TIMED_OUT

	}

	/**
	 * Find the mosquitto binary on the {@code PATH}, in {@code /usr/sbin} or {@code /usr/local/sbin}.
	 * @return the executable, if any
	 */
	static Optional<Path> findExecutable() {
		String path = System.getenv("PATH");
		List<Path> candidates = new ArrayList<>();
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				if (!entry.isEmpty()) {
					candidates.add(Path.of(entry, "mosquitto"));
				}
			}
		}
		candidates.add(Path.of("/usr/sbin/mosquitto"));
		candidates.add(Path.of("/usr/local/sbin/mosquitto"));
		return candidates.stream()
			.filter((candidate) -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
			.findFirst();
	}

	/**
	 * Start mosquitto once its ports are free and wait until it is ready; a process that
	 * does not get ready in time is killed.
	 * @param directory the broker's directory with the configuration
	 * @param port the plain port
	 * @param tlsPort the TLS port, negative for none
	 * @param timeout the bound for the whole start
	 * @param killTimeout how long to wait for a killed process to exit
	 * @param onStarted called with the process as soon as it is started
	 * @return the ready process
	 * @throws IllegalStateException if a port stays in use, or the process exits or does not
	 * get ready in time (with the log in the message)
	 */
	static Process launch(MosquittoDirectory directory, int port, int tlsPort, Duration timeout, Duration killTimeout,
			Consumer<Process> onStarted) {
		long deadline = System.nanoTime() + timeout.toNanos();
		awaitBindable(port, tlsPort, deadline);
		Path executable = findExecutable().orElseThrow(
				() -> new IllegalStateException("mosquitto binary disappeared; " + MosquittoBroker.SKIP_MESSAGE));
		Path logFile = directory.logFile();
		long logOffset = size(logFile);
		Process started = start(executable, directory);
		onStarted.accept(started);
		Readiness readiness = awaitReady(started, logFile, logOffset, port, tlsPort, deadline);
		if (readiness == Readiness.EXITED) {
			throw new IllegalStateException("mosquitto exited with code " + started.exitValue() + " during startup (port "
					+ port + ((tlsPort > 0) ? ", TLS port " + tlsPort : "") + "); log " + logFile + ":\n"
					+ directory.log());
		}
		if (readiness == Readiness.TIMED_OUT) {
			started.destroyForcibly();
			waitFor(started, killTimeout);
			throw new IllegalStateException("mosquitto did not log 'running' and accept connections on port " + port
					+ ((tlsPort > 0) ? " / TLS port " + tlsPort : "") + " within " + timeout.toSeconds()
					+ "s and was killed; log " + logFile + ":\n" + directory.log());
		}
		return started;
	}

	/**
	 * Start {@code mosquitto -c <config>} in the directory, stdout and stderr appended to the log.
	 * @param executable the binary
	 * @param directory the broker's directory
	 * @return the process
	 */
	static Process start(Path executable, MosquittoDirectory directory) {
		ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-c", directory.configFile().toString())
			.directory(directory.root().toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(directory.logFile().toFile()))
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		try {
			Process process = builder.start();
			STARTED.add(process);
			process.onExit().thenAccept(STARTED::remove);
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + executable + " -c " + directory.configFile(), ex);
		}
	}

	/**
	 * Wait until the ports can be bound: after stop/kill they are normally free at once
	 * (mosquitto uses SO_REUSEADDR), but the kernel may take a moment to release them.
	 * @param port the plain port
	 * @param tlsPort the TLS port, negative for none
	 * @param deadline the {@link System#nanoTime()} deadline
	 * @throws IllegalStateException if a port is still in use at the deadline
	 */
	static void awaitBindable(int port, int tlsPort, long deadline) {
		while (!(FreePorts.isBindable(port) && (tlsPort < 0 || FreePorts.isBindable(tlsPort)))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Port " + port + ((tlsPort > 0) ? " or " + tlsPort : "")
						+ " on 127.0.0.1 is still in use; cannot start mosquitto");
			}
			pollPause();
		}
	}

	/**
	 * Wait until the process logged "running" after the log offset (its SIGTERM handler is
	 * installed only shortly before, so an earlier stop would kill it without saving
	 * persistence) and the plain port accepts a TCP connection; the TLS port
	 * is only checked for being bound, a plain connect would log a TLS error.
	 * @param process the process
	 * @param logFile its log
	 * @param logOffset the log's size before the start
	 * @param port the plain port
	 * @param tlsPort the TLS port, negative for none
	 * @param deadline the {@link System#nanoTime()} deadline
	 * @return the outcome
	 */
	static Readiness awaitReady(Process process, Path logFile, long logOffset, int port, int tlsPort, long deadline) {
		while (true) {
			if (!process.isAlive()) {
				return Readiness.EXITED;
			}
			if (loggedRunningSince(logFile, logOffset) && accepts(port)
					&& (tlsPort < 0 || !FreePorts.isBindable(tlsPort))) {
				return Readiness.READY;
			}
			if (System.nanoTime() > deadline) {
				return Readiness.TIMED_OUT;
			}
			pollPause();
		}
	}

	static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	static boolean loggedRunningSince(Path logFile, long offset) {
		try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
			channel.position(offset);
			ByteArrayOutputStream content = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) > 0) {
				content.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			return RUNNING_LINE.matcher(content.toString(StandardCharsets.UTF_8)).find();
		}
		catch (IOException ex) {
			return false;
		}
	}

	static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(FreePorts.loopback(), port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Wait for the process to exit.
	 * @param process the process
	 * @param timeout the bound
	 * @return {@code true} if it exited (an interrupt counts as {@code false} and is kept)
	 */
	static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Send a signal with {@code kill -<signal> <pid>}.
	 * @param pid the process id
	 * @param signal the signal name without {@code SIG}, e.g. {@code STOP}
	 */
	static void signal(long pid, String signal) {
		ProcessBuilder builder = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		try {
			Process kill = builder.start();
			if (!kill.waitFor(5, TimeUnit.SECONDS)) {
				kill.destroyForcibly();
				throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish within 5s");
			}
			if (kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed with exit code " + kill.exitValue());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -" + signal + " " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

	private static void pollPause() {
		try {
			Thread.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for mosquitto", ex);
		}
	}

}
