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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Assumptions;

/**
 * A dedicated mosquitto broker process on free 127.0.0.1 ports with fault injection (stop, kill, pause,
 * restart) for integration and reliability tests.
 *
 * <p>
 * Each broker gets a fresh temporary directory holding {@code mosquitto.conf}, the password and ACL files, the
 * persistence directory and {@code mosquitto.log} (stderr/stdout of every start, appended across restarts).
 *
 * <p>
 * Privileges: mosquitto 2.0 started as root drops to the {@code mosquitto} user right after opening the listeners
 * and only then reads the password file, ACL file and TLS certificates and writes persistence. Files in private
 * directories (such as JUnit {@code @TempDir} or the certificates directory of the caller) would then fail with
 * "Permission denied". When this JVM runs as root the configuration therefore contains {@code user root}, which
 * keeps the broker running as root (mosquitto logs a warning about that); as a second line of defence the broker
 * directory is made world-writable and its files world-readable. Processes still alive when the JVM exits are
 * killed by a shutdown hook.
 *
 * <pre class="code">
 * try (MosquittoBroker broker = MosquittoBroker.builder().user("alice", "secret").start()) {
 *     connectTo(broker.url());
 *     broker.restart();
 * }
 * </pre>
 */
public final class MosquittoBroker implements AutoCloseable {

	private static final String SKIP_MESSAGE = "mosquitto binary not found; install it (apt-get install -y mosquitto) to run this test";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final long POLL_MILLIS = 20;

	private static final int MAX_AUTO_PORT_ATTEMPTS = 3;

	private static final Pattern RUNNING_LINE = Pattern.compile("mosquitto version \\S+ running");

	private static final Set<MosquittoBroker> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Thread hook = new Thread(() -> {
			for (MosquittoBroker broker : RUNNING) {
				Process process = broker.process;
				if (process != null) {
					// SIGKILL also ends a SIGSTOPped process
					process.destroyForcibly();
				}
			}
		}, "mosquitto-broker-shutdown");
		Runtime.getRuntime().addShutdownHook(hook);
	}

	private final Builder config;

	private Path directory;

	private int port;

	private int tlsPort = -1;

	private Process process;

	private boolean paused;

	private boolean started;

	private MosquittoBroker(Builder config) {
		this.config = config;
	}

	/**
	 * Returns whether a mosquitto binary is available on the {@code PATH} or at {@code /usr/sbin/mosquitto}.
	 * @return {@code true} if mosquitto can be started
	 */
	public static boolean isAvailable() {
		return findExecutable().isPresent();
	}

	/**
	 * Returns a new builder for a broker on a free port that allows anonymous access.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the broker and waits until its listeners accept TCP connections, skipping the calling test (JUnit
	 * assumption) when mosquitto is not installed.
	 * @return this broker
	 * @throws IllegalStateException if the broker is already running, dies or does not open its ports within 10
	 * seconds (the message contains the mosquitto log)
	 */
	public synchronized MosquittoBroker start() {
		Assumptions.assumeTrue(isAvailable(), SKIP_MESSAGE);
		if (isRunning()) {
			throw new IllegalStateException("mosquitto is already running (pid " + this.process.pid() + ")");
		}
		if (!this.started) {
			firstStart();
		}
		else {
			launchAndAwait(START_TIMEOUT);
		}
		return this;
	}

	/**
	 * Restarts the broker with the same configuration, ports and persistence directory, stopping it first if it
	 * is still running, and waits until the ports accept connections again.
	 * @return this broker
	 */
	public synchronized MosquittoBroker restart() {
		assertStarted();
		if (isRunning()) {
			stop();
		}
		return start();
	}

	/**
	 * Changes (or adds) a user's password in the password file; the broker reads it at its next
	 * {@link #restart()}.
	 * @param name the user name
	 * @param password the new clear text password
	 */
	public synchronized void changePassword(String name, String password) {
		assertStarted();
		this.config.users.put(name, password);
		try {
			writeFiles();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the mosquitto password file", ex);
		}
	}

	/**
	 * Stops the broker gracefully with SIGTERM (resuming it first if paused) and waits up to 10 seconds for it to
	 * exit, killing it if it does not.
	 */
	public synchronized void stop() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			forget();
			return;
		}
		if (this.paused) {
			resume();
		}
		current.destroy();
		if (!waitFor(current, STOP_TIMEOUT)) {
			current.destroyForcibly();
			waitFor(current, STOP_TIMEOUT);
			forget();
			throw new IllegalStateException("mosquitto (pid " + current.pid() + ") did not exit within "
					+ STOP_TIMEOUT.toSeconds() + "s after SIGTERM and was killed; log:\n" + log());
		}
		forget();
	}

	/**
	 * Kills the broker with SIGKILL (no persistence save, no DISCONNECTs) and waits for it to exit.
	 */
	public synchronized void kill() {
		Process current = this.process;
		if (current != null && current.isAlive()) {
			current.destroyForcibly();
			if (!waitFor(current, STOP_TIMEOUT)) {
				throw new IllegalStateException("mosquitto (pid " + current.pid() + ") did not die after SIGKILL");
			}
		}
		forget();
	}

	/**
	 * Freezes the broker with SIGSTOP: the kernel still accepts TCP connections but nothing is answered.
	 */
	public synchronized void pause() {
		assertRunning();
		signal(this.process.pid(), "STOP");
		this.paused = true;
	}

	/**
	 * Continues a paused broker with SIGCONT.
	 */
	public synchronized void resume() {
		assertRunning();
		signal(this.process.pid(), "CONT");
		this.paused = false;
	}

	/**
	 * Returns whether the broker process is alive (a paused broker is alive).
	 * @return {@code true} if the process is alive
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Returns whether the broker is currently paused with SIGSTOP.
	 * @return {@code true} if paused
	 */
	public synchronized boolean isPaused() {
		return this.paused && isRunning();
	}

	/**
	 * Returns the plain MQTT port on 127.0.0.1.
	 * @return the port
	 */
	public synchronized int port() {
		assertStarted();
		return this.port;
	}

	/**
	 * Returns the TLS port on 127.0.0.1.
	 * @return the TLS port
	 * @throws IllegalStateException if no TLS listener was configured
	 */
	public synchronized int tlsPort() {
		assertStarted();
		if (this.tlsPort < 0) {
			throw new IllegalStateException("No TLS listener configured; use MosquittoBroker.builder().tls(...)");
		}
		return this.tlsPort;
	}

	/**
	 * Returns the plain MQTT URL, {@code tcp://127.0.0.1:<port>}.
	 * @return the URL
	 */
	public String url() {
		return "tcp://127.0.0.1:" + port();
	}

	/**
	 * Returns the TLS MQTT URL, {@code ssl://127.0.0.1:<tlsPort>}.
	 * @return the URL
	 */
	public String sslUrl() {
		return "ssl://127.0.0.1:" + tlsPort();
	}

	/**
	 * Returns the process id of the running broker.
	 * @return the pid
	 */
	public synchronized long pid() {
		assertRunning();
		return this.process.pid();
	}

	/**
	 * Returns the temporary directory with configuration, password/ACL files, persistence data and log.
	 * @return the directory
	 */
	public synchronized Path directory() {
		assertStarted();
		return this.directory;
	}

	/**
	 * Returns the log file that receives mosquitto's stdout and stderr across restarts.
	 * @return the log file
	 */
	public Path logFile() {
		return directory().resolve("mosquitto.log");
	}

	/**
	 * Returns the generated configuration file.
	 * @return the configuration file
	 */
	public Path configFile() {
		return directory().resolve("mosquitto.conf");
	}

	/**
	 * Returns the current content of the log file, or an explanatory text if it cannot be read.
	 * @return the log content
	 */
	public String log() {
		Path file = logFile();
		try {
			return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "<no log file " + file + ">";
		}
		catch (IOException ex) {
			return "<could not read " + file + ": " + ex + ">";
		}
	}

	/**
	 * Stops the broker (resuming it first if paused) and deletes its temporary directory.
	 */
	@Override
	public synchronized void close() {
		try {
			if (isRunning()) {
				stop();
			}
		}
		finally {
			forget();
			if (this.directory != null) {
				deleteRecursively(this.directory);
			}
		}
	}

	@Override
	public String toString() {
		return "MosquittoBroker[port=" + this.port + ", tlsPort=" + this.tlsPort + ", directory=" + this.directory
				+ ", running=" + isRunning() + "]";
	}

	private void firstStart() {
		try {
			this.directory = (this.config.parentDirectory != null)
					? Files.createTempDirectory(this.config.parentDirectory, "mosquitto-")
					: Files.createTempDirectory("mosquitto-");
			makeWorldAccessible(this.directory, true);
			this.started = true;
			writeFiles();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not prepare mosquitto directory " + this.directory, ex);
		}
		for (int attempt = 1;; attempt++) {
			chooseListenerPorts();
			writeConfig();
			try {
				launchAndAwait(START_TIMEOUT);
				return;
			}
			catch (IllegalStateException ex) {
				boolean autoPorts = this.config.port == 0 || (this.config.tls != null && this.config.tlsPort == 0);
				if (!autoPorts || attempt >= MAX_AUTO_PORT_ATTEMPTS || !log().contains("Address already in use")) {
					throw ex;
				}
				// Another process grabbed the free port in the meantime: pick new ports and try again.
			}
		}
	}

	private void chooseListenerPorts() {
		this.port = (this.config.port != 0) ? this.config.port : FreePorts.find();
		if (this.config.tls != null) {
			int candidate = this.config.tlsPort;
			while (candidate == 0 || candidate == this.port) {
				candidate = FreePorts.find();
			}
			this.tlsPort = candidate;
		}
	}

	private void writeFiles() throws IOException {
		Files.createDirectories(dataDirectory());
		makeWorldAccessible(dataDirectory(), true);
		if (!this.config.users.isEmpty()) {
			StringBuilder passwords = new StringBuilder();
			this.config.users.forEach((name, password) -> passwords.append(name)
				.append(':')
				.append(hashPassword(password))
				.append('\n'));
			write(passwordFile(), passwords.toString());
		}
		if (this.config.acl != null) {
			write(aclFile(), this.config.acl.endsWith("\n") ? this.config.acl : this.config.acl + "\n");
		}
	}

	private void writeConfig() {
		List<String> lines = new ArrayList<>();
		lines.add("# generated by dev.mqttspring.testsupport.MosquittoBroker");
		if (runningAsRoot()) {
			lines.add("# the JVM runs as root: do not drop privileges to user 'mosquitto' (it could not write here)");
			lines.add("user root");
		}
		lines.add("per_listener_settings false");
		lines.add("allow_anonymous " + this.config.effectiveAllowAnonymous());
		if (!this.config.users.isEmpty()) {
			lines.add("password_file " + passwordFile());
		}
		if (this.config.acl != null) {
			lines.add("acl_file " + aclFile());
		}
		// stderr is unbuffered; stdout redirected to a file would be block-buffered and lag behind
		lines.add("log_dest stderr");
		lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
		lines.add("connection_messages true");
		if (this.config.logDebug) {
			lines.add("log_type all");
		}
		else {
			lines.add("log_type error");
			lines.add("log_type warning");
			lines.add("log_type notice");
			lines.add("log_type information");
		}
		if (this.config.maxPacketSize != null) {
			lines.add("max_packet_size " + this.config.maxPacketSize);
		}
		if (this.config.maxInflightMessages != null) {
			lines.add("max_inflight_messages " + this.config.maxInflightMessages);
		}
		if (this.config.maxQueuedMessages != null) {
			lines.add("max_queued_messages " + this.config.maxQueuedMessages);
		}
		lines.add("persistence " + this.config.persistence);
		if (this.config.persistence) {
			lines.add("persistence_location " + dataDirectory() + File.separator);
			if (this.config.autosaveInterval != null) {
				lines.add("autosave_interval " + this.config.autosaveInterval);
			}
		}
		lines.add("");
		lines.add("listener " + this.port + " 127.0.0.1");
		if (this.config.tls != null) {
			Tls tls = this.config.tls;
			lines.add("");
			lines.add("listener " + this.tlsPort + " 127.0.0.1");
			lines.add("cafile " + tls.caCertificate.toAbsolutePath());
			lines.add("certfile " + tls.serverCertificate.toAbsolutePath());
			lines.add("keyfile " + tls.serverKey.toAbsolutePath());
			lines.add("require_certificate " + this.config.requireClientCertificate);
			if (this.config.useIdentityAsUsername) {
				lines.add("use_identity_as_username true");
			}
		}
		if (!this.config.extraLines.isEmpty()) {
			lines.add("");
			lines.add("# extra configuration (listener specific options apply to the last listener above)");
			lines.addAll(this.config.extraLines);
		}
		try {
			write(configFile(), String.join("\n", lines) + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + configFile(), ex);
		}
	}

	private void launchAndAwait(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		awaitBindable(deadline);
		Path executable = findExecutable()
			.orElseThrow(() -> new IllegalStateException("mosquitto binary disappeared; " + SKIP_MESSAGE));
		ProcessBuilder builder = new ProcessBuilder(executable.toString(), "-c", configFile().toString())
			.directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		long logOffset = logSize();
		Process started;
		try {
			started = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + executable + " -c " + configFile(), ex);
		}
		this.process = started;
		this.paused = false;
		RUNNING.add(this);
		// Ready means: mosquitto logged "running" for this launch (its SIGTERM handler is installed only shortly
		// before, so an earlier stop() would kill it without saving persistence) and the plain port accepts a TCP
		// connection. The TLS port is only checked for being bound, a plain connect would log a TLS error.
		while (true) {
			if (!started.isAlive()) {
				forget();
				throw new IllegalStateException("mosquitto exited with code " + started.exitValue()
						+ " during startup (port " + this.port + ((this.tlsPort > 0) ? ", TLS port " + this.tlsPort : "")
						+ "); log " + logFile() + ":\n" + log());
			}
			if (loggedRunningSince(logOffset) && accepts(this.port)
					&& (this.tlsPort < 0 || !FreePorts.isBindable(this.tlsPort))) {
				return;
			}
			if (System.nanoTime() > deadline) {
				started.destroyForcibly();
				waitFor(started, STOP_TIMEOUT);
				forget();
				throw new IllegalStateException("mosquitto did not log 'running' and accept connections on port " + this.port
						+ ((this.tlsPort > 0) ? " / TLS port " + this.tlsPort : "") + " within "
						+ timeout.toSeconds() + "s and was killed; log " + logFile() + ":\n" + log());
			}
			pollPause();
		}
	}

	private void awaitBindable(long deadline) {
		// After stop/kill the ports are normally free at once (mosquitto uses SO_REUSEADDR), but give the kernel a
		// bounded moment in case the old process is still releasing them.
		BooleanSupplier free = () -> FreePorts.isBindable(this.port)
				&& (this.tlsPort < 0 || FreePorts.isBindable(this.tlsPort));
		while (!free.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Port " + this.port + ((this.tlsPort > 0) ? " or " + this.tlsPort : "")
						+ " on 127.0.0.1 is still in use; cannot start mosquitto");
			}
			pollPause();
		}
	}

	private long logSize() {
		try {
			return Files.exists(logFile()) ? Files.size(logFile()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private boolean loggedRunningSince(long offset) {
		try (SeekableByteChannel channel = Files.newByteChannel(logFile())) {
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

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(FreePorts.loopback(), port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
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

	private static void signal(long pid, String signal) {
		ProcessBuilder builder = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
			.redirectErrorStream(true)
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

	private void forget() {
		this.process = (this.process != null && this.process.isAlive()) ? this.process : null;
		if (this.process == null) {
			this.paused = false;
			RUNNING.remove(this);
		}
	}

	private void assertStarted() {
		if (!this.started) {
			throw new IllegalStateException("mosquitto has not been started; call start() first");
		}
	}

	private void assertRunning() {
		if (!isRunning()) {
			throw new IllegalStateException("mosquitto is not running");
		}
	}

	private Path dataDirectory() {
		return this.directory.resolve("data");
	}

	private Path passwordFile() {
		return this.directory.resolve("passwords");
	}

	private Path aclFile() {
		return this.directory.resolve("acl");
	}

	private boolean runningAsRoot() {
		try {
			Object uid = Files.getAttribute(this.directory, "unix:uid");
			return Integer.valueOf(0).equals(uid);
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	private static void write(Path file, String content) throws IOException {
		Files.writeString(file, content, StandardCharsets.UTF_8);
		makeWorldAccessible(file, false);
	}

	private static void makeWorldAccessible(Path path, boolean directory) {
		try {
			Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwxrwxrwx" : "rw-r--r--"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			// best effort, only needed when mosquitto drops privileges
		}
	}

	private static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	private static Optional<Path> findExecutable() {
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
		return candidates.stream().filter((candidate) -> Files.isRegularFile(candidate) && Files.isExecutable(candidate)).findFirst();
	}

	/**
	 * Hashes a password in mosquitto 2.x password-file format ({@code $7$} = PBKDF2-HMAC-SHA512, 101 iterations).
	 * @param password the clear text password
	 * @return the encoded hash
	 */
	static String hashPassword(String password) {
		int iterations = 101;
		byte[] salt = new byte[12];
		new SecureRandom().nextBytes(salt);
		try {
			// SunJCE encodes the password chars as UTF-8, as mosquitto_passwd does with its byte string.
			PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 512);
			byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
			Base64.Encoder base64 = Base64.getEncoder();
			return "$7$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not hash mosquitto password", ex);
		}
	}

	private record Tls(Path caCertificate, Path serverCertificate, Path serverKey) {
	}

	/**
	 * Builder for a {@link MosquittoBroker}; every option maps to a mosquitto.conf setting.
	 */
	public static final class Builder {

		private int port;

		private int tlsPort;

		private Boolean allowAnonymous;

		private final Map<String, String> users = new LinkedHashMap<>();

		private String acl;

		private Tls tls;

		private boolean requireClientCertificate;

		private boolean useIdentityAsUsername;

		private Integer maxPacketSize;

		private Integer maxInflightMessages;

		private Integer maxQueuedMessages;

		private boolean persistence;

		private Integer autosaveInterval;

		private Path parentDirectory;

		private final List<String> extraLines = new ArrayList<>();

		private boolean logDebug;

		private Builder() {
		}

		/**
		 * Sets the plain listener port; 0 (the default) picks a free port.
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = checkPort(port);
			return this;
		}

		/**
		 * Sets the TLS listener port; 0 (the default) picks a free port.
		 * @param tlsPort the TLS port
		 * @return this builder
		 */
		public Builder tlsPort(int tlsPort) {
			this.tlsPort = checkPort(tlsPort);
			return this;
		}

		/**
		 * Sets whether clients without credentials may connect (default {@code true} unless users are configured).
		 * @param allowAnonymous whether anonymous access is allowed
		 * @return this builder
		 */
		public Builder allowAnonymous(boolean allowAnonymous) {
			this.allowAnonymous = allowAnonymous;
			return this;
		}

		/**
		 * Adds a user to the generated password file (repeatable).
		 * @param name the user name (must not contain ':')
		 * @param password the clear text password
		 * @return this builder
		 */
		public Builder user(String name, String password) {
			Objects.requireNonNull(name, "name must not be null");
			Objects.requireNonNull(password, "password must not be null");
			if (name.isEmpty() || name.contains(":") || name.contains("\n")) {
				throw new IllegalArgumentException("Invalid mosquitto user name '" + name + "'");
			}
			this.users.put(name, password);
			return this;
		}

		/**
		 * Sets the content of the ACL file ({@code acl_file}).
		 * @param aclFileText the ACL file content, e.g. {@code "user alice\ntopic readwrite alice/#"}
		 * @return this builder
		 */
		public Builder acl(String aclFileText) {
			this.acl = Objects.requireNonNull(aclFileText, "aclFileText must not be null");
			return this;
		}

		/**
		 * Adds a TLS listener on its own port using the given PEM files.
		 * @param caCertificate CA certificate used to verify client certificates
		 * @param serverCertificate server certificate
		 * @param serverKey unencrypted server private key
		 * @return this builder
		 */
		public Builder tls(Path caCertificate, Path serverCertificate, Path serverKey) {
			this.tls = new Tls(requireFile(caCertificate), requireFile(serverCertificate), requireFile(serverKey));
			return this;
		}

		/**
		 * Sets whether the TLS listener requires a client certificate signed by the CA ({@code require_certificate}).
		 * @param required whether a client certificate is required
		 * @return this builder
		 */
		public Builder requireClientCertificate(boolean required) {
			this.requireClientCertificate = required;
			return this;
		}

		/**
		 * Sets whether the client certificate CN becomes the user name on the TLS listener
		 * ({@code use_identity_as_username}).
		 * @param useIdentity whether to use the certificate identity as user name
		 * @return this builder
		 */
		public Builder useIdentityAsUsername(boolean useIdentity) {
			this.useIdentityAsUsername = useIdentity;
			return this;
		}

		/**
		 * Sets the maximum MQTT packet size the broker accepts ({@code max_packet_size}).
		 * @param bytes the maximum packet size in bytes
		 * @return this builder
		 */
		public Builder maxPacketSize(int bytes) {
			this.maxPacketSize = checkPositive(bytes, "maxPacketSize");
			return this;
		}

		/**
		 * Sets the maximum number of QoS 1/2 messages in flight per client ({@code max_inflight_messages}).
		 * @param messages the maximum in-flight messages
		 * @return this builder
		 */
		public Builder maxInflightMessages(int messages) {
			this.maxInflightMessages = checkNotNegative(messages, "maxInflightMessages");
			return this;
		}

		/**
		 * Sets the maximum number of messages queued per client ({@code max_queued_messages}).
		 * @param messages the maximum queued messages
		 * @return this builder
		 */
		public Builder maxQueuedMessages(int messages) {
			this.maxQueuedMessages = checkNotNegative(messages, "maxQueuedMessages");
			return this;
		}

		/**
		 * Enables persistence into the broker's data directory, which survives {@link MosquittoBroker#restart()}.
		 * @param persistence whether persistence is enabled
		 * @return this builder
		 */
		public Builder persistence(boolean persistence) {
			this.persistence = persistence;
			return this;
		}

		/**
		 * Sets the persistence autosave interval ({@code autosave_interval}).
		 * @param seconds the interval in seconds
		 * @return this builder
		 */
		public Builder autosaveInterval(int seconds) {
			this.autosaveInterval = checkNotNegative(seconds, "autosaveInterval");
			return this;
		}

		/**
		 * Creates the broker's directory (configuration, persistence, log) under the given
		 * directory instead of {@code java.io.tmpdir}, e.g. a tmpfs such as {@code /dev/shm} so that
		 * saving persistence on every change ({@code autosave_on_changes}) costs no disk flush.
		 * @param parent an existing directory
		 * @return this builder
		 */
		public Builder parentDirectory(Path parent) {
			this.parentDirectory = Objects.requireNonNull(parent, "parent must not be null");
			return this;
		}

		/**
		 * Appends a raw line to the configuration after all listeners (listener specific options apply to the last
		 * listener, which is the TLS listener if configured); do not change {@code log_dest} or remove the
		 * {@code information} log type, startup detection reads the log.
		 * @param extraLine the configuration line
		 * @return this builder
		 */
		public Builder config(String extraLine) {
			Objects.requireNonNull(extraLine, "extraLine must not be null");
			this.extraLines.add(extraLine);
			return this;
		}

		/**
		 * Enables all log types ({@code log_type all}).
		 * @return this builder
		 */
		public Builder logDebug() {
			this.logDebug = true;
			return this;
		}

		/**
		 * Creates the broker without starting it.
		 * @return the unstarted broker
		 */
		public MosquittoBroker build() {
			if (this.autosaveInterval != null && !this.persistence) {
				throw new IllegalStateException("autosaveInterval requires persistence(true)");
			}
			if ((this.requireClientCertificate || this.useIdentityAsUsername) && this.tls == null) {
				throw new IllegalStateException("Client certificate options require tls(...)");
			}
			if (this.port != 0 && this.port == this.tlsPort) {
				throw new IllegalStateException("port and tlsPort must differ, both are " + this.port);
			}
			return new MosquittoBroker(copy());
		}

		/**
		 * Creates and starts the broker, see {@link MosquittoBroker#start()}.
		 * @return the running broker
		 */
		public MosquittoBroker start() {
			return build().start();
		}

		private boolean effectiveAllowAnonymous() {
			return (this.allowAnonymous != null) ? this.allowAnonymous : this.users.isEmpty();
		}

		private Builder copy() {
			Builder copy = new Builder();
			copy.port = this.port;
			copy.tlsPort = this.tlsPort;
			copy.allowAnonymous = this.allowAnonymous;
			copy.users.putAll(this.users);
			copy.acl = this.acl;
			copy.tls = this.tls;
			copy.requireClientCertificate = this.requireClientCertificate;
			copy.useIdentityAsUsername = this.useIdentityAsUsername;
			copy.maxPacketSize = this.maxPacketSize;
			copy.maxInflightMessages = this.maxInflightMessages;
			copy.maxQueuedMessages = this.maxQueuedMessages;
			copy.persistence = this.persistence;
			copy.autosaveInterval = this.autosaveInterval;
			copy.extraLines.addAll(this.extraLines);
			copy.logDebug = this.logDebug;
			return copy;
		}

		private static Path requireFile(Path file) {
			Objects.requireNonNull(file, "TLS file must not be null");
			if (!Files.isRegularFile(file)) {
				throw new IllegalArgumentException("TLS file " + file + " does not exist");
			}
			return file;
		}

		private static int checkPort(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("Port must be between 0 and 65535 but was " + port);
			}
			return port;
		}

		private static int checkPositive(int value, String name) {
			if (value <= 0) {
				throw new IllegalArgumentException(name + " must be positive but was " + value);
			}
			return value;
		}

		private static int checkNotNegative(int value, String name) {
			if (value < 0) {
				throw new IllegalArgumentException(name + " must not be negative but was " + value);
			}
			return value;
		}

	}

}
