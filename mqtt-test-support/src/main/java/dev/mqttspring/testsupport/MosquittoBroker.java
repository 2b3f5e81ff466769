package dev.mqttspring.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A dedicated mosquitto broker process on free 127.0.0.1 ports with fault injection (stop, kill, pause,
 * restart) for integration and reliability tests, in a fresh temporary directory (configuration, password
 * and ACL files, persistence, log). Processes still alive when the JVM exits are killed by a shutdown hook.
 *
 * <pre class="code">
 * try (MosquittoBroker broker = MosquittoBroker.builder().user("alice", "secret").start()) {
 *     connectTo(broker.url());
 *     broker.restart();
 * }
 * </pre>
 */
public final class MosquittoBroker implements AutoCloseable {

	static final String SKIP_MESSAGE = "mosquitto binary not found; install it (apt-get install -y mosquitto) to run this test";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final int MAX_AUTO_PORT_ATTEMPTS = 3;

	private final MosquittoSettings config;

	private final Map<String, String> users;

	private @Nullable MosquittoDirectory directory;

	private int port;

	private int tlsPort = -1;

	private @Nullable Process process;

	private boolean paused;

	private boolean started;

	private MosquittoBroker(MosquittoSettings config) {
		this.config = config;
		this.users = new LinkedHashMap<>(config.users());
	}

	/**
	 * Returns whether a mosquitto binary is available on the {@code PATH} or at {@code /usr/sbin/mosquitto}.
	 * @return {@code true} if mosquitto can be started
	 */
	public static boolean isAvailable() {
		return MosquittoProcesses.findExecutable().isPresent();
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
		this.users.put(name, password);
		try {
			this.directory.writeUserFiles(this.users, this.config.acl());
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
		if (!MosquittoProcesses.waitFor(current, STOP_TIMEOUT)) {
			current.destroyForcibly();
			MosquittoProcesses.waitFor(current, STOP_TIMEOUT);
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
			if (!MosquittoProcesses.waitFor(current, STOP_TIMEOUT)) {
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
		MosquittoProcesses.signal(this.process.pid(), "STOP");
		this.paused = true;
	}

	/**
	 * Continues a paused broker with SIGCONT.
	 */
	public synchronized void resume() {
		assertRunning();
		MosquittoProcesses.signal(this.process.pid(), "CONT");
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
		return this.directory.root();
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
		directory();
		return this.directory.log();
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
				this.directory.delete();
			}
		}
	}

	@Override
	public String toString() {
		return "MosquittoBroker[port=" + this.port + ", tlsPort=" + this.tlsPort + ", directory="
				+ ((this.directory != null) ? this.directory.root() : null) + ", running=" + isRunning() + "]";
	}

	private void firstStart() {
		Path parent = this.config.parentDirectory();
		try {
			this.directory = MosquittoDirectory.create(parent);
			this.started = true;
			this.directory.writeUserFiles(this.users, this.config.acl());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not prepare mosquitto directory "
					+ ((this.directory != null) ? this.directory.root() : "in " + parent), ex);
		}
		for (int attempt = 1;; attempt++) {
			int[] ports = this.config.choosePorts();
			this.port = ports[0];
			this.tlsPort = ports[1];
			MosquittoConfigFile.write(this.config, this.users, this.directory, this.port, this.tlsPort);
			try {
				launchAndAwait(START_TIMEOUT);
				return;
			}
			catch (IllegalStateException ex) {
				if (!this.config.autoPorts() || attempt >= MAX_AUTO_PORT_ATTEMPTS
						|| !log().contains("Address already in use")) {
					throw ex;
				}
				// Another process grabbed the free port in the meantime: pick new ports and try again.
			}
		}
	}

	private void launchAndAwait(Duration timeout) {
		try {
			MosquittoProcesses.launch(this.directory, this.port, this.tlsPort, timeout, STOP_TIMEOUT, (started) -> {
				this.process = started;
				this.paused = false;
			});
		}
		catch (IllegalStateException ex) {
			forget();
			throw ex;
		}
	}

	private void forget() {
		this.process = (this.process != null && this.process.isAlive()) ? this.process : null;
		if (this.process == null) {
			this.paused = false;
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

	/**
	 * Builder for a {@link MosquittoBroker}; every option maps to a mosquitto.conf setting.
	 */
	public static final class Builder {

		private int port;

		private int tlsPort;

		private @Nullable Boolean allowAnonymous;

		private final Map<String, String> users = new LinkedHashMap<>();

		private @Nullable String acl;

		private MosquittoSettings.@Nullable Tls tls;

		private boolean requireClientCertificate;

		private boolean useIdentityAsUsername;

		private @Nullable Integer maxPacketSize;

		private @Nullable Integer maxInflightMessages;

		private @Nullable Integer maxQueuedMessages;

		private boolean persistence;

		private @Nullable Integer autosaveInterval;

		private @Nullable Path parentDirectory;

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
			this.port = MosquittoSettings.checkPort(port);
			return this;
		}

		/**
		 * Sets the TLS listener port; 0 (the default) picks a free port.
		 * @param tlsPort the TLS port
		 * @return this builder
		 */
		public Builder tlsPort(int tlsPort) {
			this.tlsPort = MosquittoSettings.checkPort(tlsPort);
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
			this.tls = new MosquittoSettings.Tls(MosquittoSettings.requireFile(caCertificate), MosquittoSettings.requireFile(serverCertificate), MosquittoSettings.requireFile(serverKey));
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
			this.maxPacketSize = MosquittoSettings.checkPositive(bytes, "maxPacketSize");
			return this;
		}

		/**
		 * Sets the maximum number of QoS 1/2 messages in flight per client ({@code max_inflight_messages}).
		 * @param messages the maximum in-flight messages
		 * @return this builder
		 */
		public Builder maxInflightMessages(int messages) {
			this.maxInflightMessages = MosquittoSettings.checkNotNegative(messages, "maxInflightMessages");
			return this;
		}

		/**
		 * Sets the maximum number of messages queued per client ({@code max_queued_messages}).
		 * @param messages the maximum queued messages
		 * @return this builder
		 */
		public Builder maxQueuedMessages(int messages) {
			this.maxQueuedMessages = MosquittoSettings.checkNotNegative(messages, "maxQueuedMessages");
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
			this.autosaveInterval = MosquittoSettings.checkNotNegative(seconds, "autosaveInterval");
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
			return new MosquittoBroker(new MosquittoSettings(this.port, this.tlsPort, this.allowAnonymous,
					Collections.unmodifiableMap(new LinkedHashMap<>(this.users)), this.acl, this.tls,
					this.requireClientCertificate, this.useIdentityAsUsername, this.maxPacketSize,
					this.maxInflightMessages, this.maxQueuedMessages, this.persistence, this.autosaveInterval,
					this.parentDirectory, List.copyOf(this.extraLines), this.logDebug));
		}

		/**
		 * Creates and starts the broker, see {@link MosquittoBroker#start()}.
		 * @return the running broker
		 */
		public MosquittoBroker start() {
			return build().start();
		}
	}

}
