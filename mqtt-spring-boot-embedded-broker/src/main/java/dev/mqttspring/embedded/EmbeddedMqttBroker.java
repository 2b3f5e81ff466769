package dev.mqttspring.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small, loopback-only MQTT broker backed by HiveMQ Community Edition embedded
 * ({@code com.hivemq:hivemq-community-edition-embedded}, an optional dependency: only
 * load this class when {@code com.hivemq.embedded.EmbeddedHiveMQ} is on the class path).
 * <p>
 * Meant for tests, samples and local development. Every {@link #start()} writes a fresh
 * {@code config.xml} into a new temporary directory (configuration, data and extensions
 * folders), with in-memory persistence, a TCP listener and an optional WebSocket
 * listener ({@value #WEBSOCKET_PATH}), all bound to a loopback address, and no anonymous
 * usage statistics. {@link #stop()} shuts the broker down and deletes that directory.
 * <p>
 * Behaviour towards the host application:
 * <ul>
 * <li>HiveMQ's own logging bootstrap (which would take over the logback root logger,
 * install a turbo filter and the JUL-to-SLF4J bridge, and read a {@code logback.xml} from
 * the configuration folder) is always disabled: HiveMQ logs through SLF4J like any other
 * library, under the {@code com.hivemq} categories.</li>
 * <li>During start HiveMQ replaces the JVM-wide default uncaught exception handler with
 * one that may call {@code System.exit(1)}, and sets the system properties
 * {@code hivemq.log.folder} and {@code guice_include_stack_traces}; this class restores
 * all three once start has completed.</li>
 * <li>HiveMQ's JMX metrics reporter (platform MBean server, domain {@code metrics}) is
 * turned off for the brokers started here, and their persistence shutdown grace period
 * is shortened from 2 s to 100 ms (both are JVM-wide HiveMQ settings, restored after
 * start). A stop still takes about 2 s: HiveMQ shuts its Netty event loops down with a
 * fixed 2 s quiet period.</li>
 * <li>HiveMQ embedded registers no JVM shutdown hook: close the broker (it is
 * {@link AutoCloseable}) or its non-daemon threads (about 8 per broker) keep the JVM
 * alive.</li>
 * <li>HiveMQ embedded sets its JVM-wide "deny unauthenticated connections" flag to
 * {@code false} (allow all) when a broker is created; it is read on every CONNECT, so it
 * is left that way.</li>
 * </ul>
 * Starts of all instances in the JVM are serialised because HiveMQ keeps global state;
 * several brokers may run at the same time on different ports.
 * <p>
 * Note that the HiveMQ CE jar itself ships a {@code logback.xml} at the root of the class
 * path. Wherever no {@code logback-test.xml} (or earlier {@code logback.xml}) exists, logback
 * and Spring Boot pick it up as the logging configuration (Spring Boot then even
 * ignores a {@code logback-spring.xml} unless {@code logging.config} names it). This
 * comes from the dependency being on the class path, not from this class.
 * <p>
 * Instances are thread-safe. A stopped broker can be started again; it then keeps the
 * ports it had (including ports that were picked at random).
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

	/** Default bind address. */
	public static final String DEFAULT_HOST = "127.0.0.1";

	/** Port value asking for a free port to be picked before starting. */
	public static final int RANDOM_PORT = 0;

	/** WebSocket port value meaning "no WebSocket listener". */
	public static final int WEBSOCKET_DISABLED = -1;

	/** Path of the WebSocket listener. */
	public static final String WEBSOCKET_PATH = "/mqtt";

	/** Default bound for {@link #start()}. */
	public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

	/** Default bound for {@link #stop()}. */
	public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

	/** Largest packet size HiveMQ CE accepts in its configuration (also its default). */
	public static final int MAX_PACKET_SIZE_LIMIT = 268_435_460;

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

	/** HiveMQ keeps JVM-wide state (statics, system properties): start one at a time. */
	private static final Object LIFECYCLE_LOCK = new Object();

	private static final int MAX_START_ATTEMPTS = 3;

	/**
	 * HiveMQ's default (2 s) adds 2 s to every stop; the persistence is in memory and
	 * thrown away on stop anyway. Read by HiveMQ while it starts.
	 */
	private static final int PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MILLIS = 100;

	private static final String[] HIVEMQ_SYSTEM_PROPERTIES = { "hivemq.log.folder", "guice_include_stack_traces" };

	private final String host;

	private final InetAddress bindAddress;

	private final Integer maxPacketSize;

	private final Integer maxQos;

	private final Boolean retainedMessagesEnabled;

	private final Boolean sharedSubscriptionsEnabled;

	private final Duration startTimeout;

	private final Duration stopTimeout;

	private final List<ExtensionMain> extensions;

	private volatile int port;

	private volatile int webSocketPort;

	private volatile boolean running;

	// guarded by this
	private EmbeddedHiveMQ hiveMq;

	// guarded by this
	private Path baseDirectory;

	/**
	 * Create a broker on {@value #DEFAULT_HOST}, a random free port and without WebSocket
	 * listener.
	 */
	public EmbeddedMqttBroker() {
		this(builder());
	}

	/**
	 * Create a broker on {@value #DEFAULT_HOST} with the given ports.
	 * @param port the TCP port, {@value #RANDOM_PORT} for a free port
	 * @param webSocketPort the WebSocket port, {@value #RANDOM_PORT} for a free port,
	 * {@value #WEBSOCKET_DISABLED} for none
	 */
	public EmbeddedMqttBroker(int port, int webSocketPort) {
		this(builder().port(port).webSocketPort(webSocketPort));
	}

	private EmbeddedMqttBroker(Builder builder) {
		this.bindAddress = resolveLoopback(builder.host);
		this.host = this.bindAddress.getHostAddress();
		this.port = checkPort("port", builder.port, false);
		this.webSocketPort = checkPort("webSocketPort", builder.webSocketPort, true);
		if (this.port != RANDOM_PORT && this.port == this.webSocketPort) {
			throw new IllegalArgumentException("port and webSocketPort must differ, both are " + this.port);
		}
		this.maxPacketSize = builder.maxPacketSize;
		this.maxQos = builder.maxQos;
		this.retainedMessagesEnabled = builder.retainedMessagesEnabled;
		this.sharedSubscriptionsEnabled = builder.sharedSubscriptionsEnabled;
		this.startTimeout = builder.startTimeout;
		this.stopTimeout = builder.stopTimeout;
		this.extensions = List.copyOf(builder.extensions);
	}

	/**
	 * Return a new builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start the broker, waiting until its listeners are bound. Does nothing if it is
	 * already running.
	 * @throws IllegalStateException if the broker could not be started within the start
	 * timeout
	 */
	public void start() {
		synchronized (this) {
			if (this.running) {
				return;
			}
			synchronized (LIFECYCLE_LOCK) {
				doStart();
			}
		}
	}

	private void doStart() {
		long startNanos = System.nanoTime();
		boolean tcpRandom = this.port == RANDOM_PORT;
		boolean webSocketRandom = this.webSocketPort == RANDOM_PORT;
		IllegalStateException failure = null;
		for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
			int tcp = tcpRandom ? RANDOM_PORT : this.port;
			int ws = webSocketRandom ? RANDOM_PORT : this.webSocketPort;
			int[] ports = pickFreePorts(tcp, ws);
			try {
				startHiveMq(ports[0], ports[1]);
				this.port = ports[0];
				this.webSocketPort = ports[1];
				this.running = true;
				logger.debug("Embedded MQTT broker started on {}{} in {} ms", getUrl(),
						(ports[1] != WEBSOCKET_DISABLED) ? " and " + getWebSocketUrl() : "",
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
				return;
			}
			catch (ListenerBindException ex) {
				failure = new IllegalStateException(ex.getMessage(), ex.getCause());
				if (!(tcpRandom || webSocketRandom)) {
					break;
				}
				logger.debug("Embedded MQTT broker could not bind its listeners (attempt {}), retrying on other ports",
						attempt, ex);
			}
		}
		throw failure;
	}

	/**
	 * The extensions given to the builder as one embedded extension (HiveMQ takes one),
	 * started and stopped in the order given.
	 */
	private EmbeddedExtension embeddedExtension() {
		ExtensionMain main = new ExtensionMain() {

			@Override
			public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
				for (ExtensionMain extension : EmbeddedMqttBroker.this.extensions) {
					extension.extensionStart(input, output);
				}
			}

			@Override
			public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
				for (ExtensionMain extension : EmbeddedMqttBroker.this.extensions) {
					extension.extensionStop(input, output);
				}
			}

		};
		return EmbeddedExtension.builder()
			.withId("mqtt-spring-boot-embedded")
			.withName("mqtt-spring-boot embedded extensions")
			.withVersion("1")
			.withExtensionMain(main)
			.build();
	}

	private void startHiveMq(int tcpPort, int wsPort) throws ListenerBindException {
		Path directory = createBaseDirectory(tcpPort, wsPort);
		EmbeddedHiveMQ embedded;
		try {
			EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
				.withConfigurationFolder(directory.resolve("conf"))
				.withDataFolder(directory.resolve("data"))
				.withExtensionsFolder(directory.resolve("extensions"))
				.withoutLoggingBootstrap();
			if (!this.extensions.isEmpty()) {
				builder.withEmbeddedExtension(embeddedExtension());
			}
			embedded = builder.build();
		}
		catch (RuntimeException | LinkageError ex) {
			deleteRecursively(directory);
			throw new IllegalStateException("Could not create embedded HiveMQ broker: " + ex, ex);
		}
		Thread.UncaughtExceptionHandler uncaughtExceptionHandler = Thread.getDefaultUncaughtExceptionHandler();
		String[] systemProperties = readSystemProperties();
		Runnable restoreInternalSettings = applyInternalSettings();
		boolean started = false;
		try {
			try {
				embedded.start().get(this.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("Embedded MQTT broker did not start within " + this.startTimeout, ex);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				if (isListenerBindFailure(cause)) {
					throw new ListenerBindException(
							"Embedded MQTT broker could not bind " + describeListeners(tcpPort, wsPort), cause);
				}
				throw new IllegalStateException("Embedded MQTT broker failed to start: " + cause, cause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting the embedded MQTT broker", ex);
			}
			// HiveMQ only fails if no listener at all could be bound: check each one
			List<Integer> notListening = new ArrayList<>();
			for (int listenerPort : new int[] { tcpPort, wsPort }) {
				if (listenerPort > 0 && !isListening(listenerPort)) {
					notListening.add(listenerPort);
				}
			}
			if (!notListening.isEmpty()) {
				throw new ListenerBindException("Embedded MQTT broker could not bind " + describeListeners(tcpPort, wsPort)
						+ ", nothing listens on port(s) " + notListening, null);
			}
			this.hiveMq = embedded;
			this.baseDirectory = directory;
			started = true;
		}
		finally {
			if (!started) {
				closeQuietly(embedded);
				deleteRecursively(directory);
			}
			restoreInternalSettings.run();
			Thread.setDefaultUncaughtExceptionHandler(uncaughtExceptionHandler);
			restoreSystemProperties(systemProperties);
		}
	}

	/**
	 * Stop the broker, waiting (bounded by the stop timeout) for its shutdown, and
	 * delete its temporary directory. Does nothing if it is not running.
	 * @throws IllegalStateException if HiveMQ reported a failure or did not stop in time
	 * (the broker is considered stopped nonetheless)
	 */
	public void stop() {
		synchronized (this) {
			EmbeddedHiveMQ embedded = this.hiveMq;
			if (embedded == null) {
				return;
			}
			this.running = false;
			this.hiveMq = null;
			Path directory = this.baseDirectory;
			this.baseDirectory = null;
			long startNanos = System.nanoTime();
			try {
				embedded.stop().get(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
				embedded.close();
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("Embedded MQTT broker did not stop within " + this.stopTimeout, ex);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				closeQuietly(embedded);
				throw new IllegalStateException("Embedded MQTT broker failed to stop: " + cause, cause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while stopping the embedded MQTT broker", ex);
			}
			finally {
				deleteRecursively(directory);
			}
			logger.debug("Embedded MQTT broker on port {} stopped in {} ms", this.port,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
		}
	}

	/**
	 * Same as {@link #stop()}.
	 */
	@Override
	public void close() {
		stop();
	}

	/**
	 * Whether the broker is running.
	 * @return {@code true} between a successful {@link #start()} and {@link #stop()}
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return the address the listeners are bound to, as an IP literal.
	 * @return the host (a loopback address)
	 */
	public String getHost() {
		return this.host;
	}

	/**
	 * Return the TCP port: the configured one, or the one picked on the first start if
	 * a random port was asked for ({@value #RANDOM_PORT} until then).
	 * @return the TCP port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Return the WebSocket port: the configured one, or the one picked on the first start
	 * if a random port was asked for ({@value #RANDOM_PORT} until then), or
	 * {@value #WEBSOCKET_DISABLED} if there is no WebSocket listener.
	 * @return the WebSocket port
	 */
	public int getWebSocketPort() {
		return this.webSocketPort;
	}

	/**
	 * Return the URL to connect to over TCP, e.g. {@code tcp://127.0.0.1:1883}.
	 * @return the TCP URL
	 * @throws IllegalStateException if the port is still to be picked by {@link #start()}
	 */
	public String getUrl() {
		int current = this.port;
		if (current == RANDOM_PORT) {
			throw new IllegalStateException("The port of the embedded MQTT broker is picked on start()");
		}
		return "tcp://" + urlHost() + ":" + current;
	}

	/**
	 * Return the URL to connect to over WebSocket, e.g.
	 * {@code ws://127.0.0.1:8000/mqtt}.
	 * @return the WebSocket URL
	 * @throws IllegalStateException if there is no WebSocket listener, or if its port is
	 * still to be picked by {@link #start()}
	 */
	public String getWebSocketUrl() {
		int current = this.webSocketPort;
		if (current == WEBSOCKET_DISABLED) {
			throw new IllegalStateException("The embedded MQTT broker has no WebSocket listener");
		}
		if (current == RANDOM_PORT) {
			throw new IllegalStateException("The WebSocket port of the embedded MQTT broker is picked on start()");
		}
		return "ws://" + urlHost() + ":" + current + WEBSOCKET_PATH;
	}

	@Override
	public String toString() {
		return "EmbeddedMqttBroker[host=" + this.host + ", port=" + this.port + ", webSocketPort=" + this.webSocketPort
				+ ", running=" + this.running + "]";
	}

	/**
	 * Render the HiveMQ {@code config.xml} for the given ports.
	 * @param tcpPort the TCP port
	 * @param wsPort the WebSocket port or {@value #WEBSOCKET_DISABLED}
	 * @return the XML document
	 */
	String configXml(int tcpPort, int wsPort) {
		String address = this.host;
		StringBuilder xml = new StringBuilder(1024);
		xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		xml.append("<hivemq>\n");
		xml.append("    <listeners>\n");
		xml.append("        <tcp-listener>\n");
		xml.append("            <port>").append(tcpPort).append("</port>\n");
		xml.append("            <bind-address>").append(address).append("</bind-address>\n");
		xml.append("            <name>tcp-listener</name>\n");
		xml.append("        </tcp-listener>\n");
		if (wsPort != WEBSOCKET_DISABLED) {
			xml.append("        <websocket-listener>\n");
			xml.append("            <port>").append(wsPort).append("</port>\n");
			xml.append("            <bind-address>").append(address).append("</bind-address>\n");
			xml.append("            <name>websocket-listener</name>\n");
			xml.append("            <path>").append(WEBSOCKET_PATH).append("</path>\n");
			xml.append("        </websocket-listener>\n");
		}
		xml.append("    </listeners>\n");
		if (this.maxPacketSize != null || this.maxQos != null || this.retainedMessagesEnabled != null
				|| this.sharedSubscriptionsEnabled != null) {
			xml.append("    <mqtt>\n");
			if (this.retainedMessagesEnabled != null) {
				xml.append("        <retained-messages>\n");
				xml.append("            <enabled>").append(this.retainedMessagesEnabled).append("</enabled>\n");
				xml.append("        </retained-messages>\n");
			}
			if (this.maxQos != null) {
				xml.append("        <quality-of-service>\n");
				xml.append("            <max-qos>").append(this.maxQos).append("</max-qos>\n");
				xml.append("        </quality-of-service>\n");
			}
			if (this.maxPacketSize != null) {
				xml.append("        <packets>\n");
				xml.append("            <max-packet-size>").append(this.maxPacketSize).append("</max-packet-size>\n");
				xml.append("        </packets>\n");
			}
			if (this.sharedSubscriptionsEnabled != null) {
				xml.append("        <shared-subscriptions>\n");
				xml.append("            <enabled>").append(this.sharedSubscriptionsEnabled).append("</enabled>\n");
				xml.append("        </shared-subscriptions>\n");
			}
			xml.append("    </mqtt>\n");
		}
		xml.append("    <persistence>\n");
		xml.append("        <mode>in-memory</mode>\n");
		xml.append("    </persistence>\n");
		xml.append("    <anonymous-usage-statistics>\n");
		xml.append("        <enabled>false</enabled>\n");
		xml.append("    </anonymous-usage-statistics>\n");
		xml.append("</hivemq>\n");
		return xml.toString();
	}

	private Path createBaseDirectory(int tcpPort, int wsPort) {
		Path directory = null;
		try {
			directory = Files.createTempDirectory("embedded-mqtt-broker-");
			Files.createDirectories(directory.resolve("conf"));
			Files.createDirectories(directory.resolve("data"));
			Files.createDirectories(directory.resolve("extensions"));
			Files.writeString(directory.resolve("conf").resolve("config.xml"), configXml(tcpPort, wsPort),
					StandardCharsets.UTF_8);
			return directory;
		}
		catch (IOException ex) {
			deleteRecursively(directory);
			throw new IllegalStateException("Could not create the embedded MQTT broker directory: " + ex, ex);
		}
	}

	private int[] pickFreePorts(int tcpPort, int wsPort) {
		// keep the sockets open until both ports are known so that they differ
		List<ServerSocket> sockets = new ArrayList<>(2);
		try {
			int tcp = (tcpPort != RANDOM_PORT) ? tcpPort : reserve(sockets);
			int ws = (wsPort != RANDOM_PORT) ? wsPort : reserve(sockets);
			return new int[] { tcp, ws };
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not find a free port on " + this.host + ": " + ex, ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// ignore
				}
			}
		}
	}

	private int reserve(List<ServerSocket> sockets) throws IOException {
		ServerSocket socket = new ServerSocket();
		sockets.add(socket);
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(this.bindAddress, 0), 1);
		return socket.getLocalPort();
	}

	private boolean isListening(int listenerPort) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.bindAddress, listenerPort), 2000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private String describeListeners(int tcpPort, int wsPort) {
		String tcp = "its TCP listener to " + this.host + ":" + tcpPort;
		return (wsPort != WEBSOCKET_DISABLED) ? tcp + " and its WebSocket listener to " + this.host + ":" + wsPort : tcp;
	}

	private String urlHost() {
		return (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]" : this.host;
	}

	private void closeQuietly(EmbeddedHiveMQ embedded) {
		// EmbeddedHiveMQ.close() waits without bound: do it on a helper thread
		CompletableFuture<Void> closed = new CompletableFuture<>();
		Thread closer = new Thread(() -> {
			try {
				embedded.close();
				closed.complete(null);
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "embedded-mqtt-broker-close");
		closer.setDaemon(true);
		closer.start();
		try {
			closed.get(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Could not close the embedded HiveMQ broker cleanly: {}", ex.toString());
		}
	}

	/**
	 * Turn off HiveMQ's JMX reporter and shorten its persistence shutdown grace period for
	 * the broker about to start (both are read during start).
	 * @return the action restoring the previous values
	 */
	private static Runnable applyInternalSettings() {
		try {
			boolean jmxReporterEnabled = InternalConfigurations.JMX_REPORTER_ENABLED.getAndSet(false);
			int shutdownGracePeriod = InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC
				.getAndSet(PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MILLIS);
			return () -> {
				InternalConfigurations.JMX_REPORTER_ENABLED.set(jmxReporterEnabled);
				InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(shutdownGracePeriod);
			};
		}
		catch (LinkageError ex) {
			// internal HiveMQ API, may change in another version: keep HiveMQ's defaults
			logger.debug("Could not adjust HiveMQ internal configuration", ex);
			return () -> {
			};
		}
	}

	private static boolean isListenerBindFailure(Throwable failure) {
		// HiveMQ throws an UnrecoverableException when no listener could be bound
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current.getClass().getName().equals("com.hivemq.exceptions.UnrecoverableException")) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	private static String[] readSystemProperties() {
		String[] values = new String[HIVEMQ_SYSTEM_PROPERTIES.length];
		for (int i = 0; i < values.length; i++) {
			values[i] = System.getProperty(HIVEMQ_SYSTEM_PROPERTIES[i]);
		}
		return values;
	}

	private static void restoreSystemProperties(String[] values) {
		for (int i = 0; i < values.length; i++) {
			if (values[i] != null) {
				System.setProperty(HIVEMQ_SYSTEM_PROPERTIES[i], values[i]);
			}
			else {
				System.clearProperty(HIVEMQ_SYSTEM_PROPERTIES[i]);
			}
		}
	}

	private static void deleteRecursively(Path directory) {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try {
			Files.walkFileTree(directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not delete the embedded MQTT broker directory {}: {}", directory, ex.toString());
		}
	}

	private static InetAddress resolveLoopback(String host) {
		Objects.requireNonNull(host, "host must not be null");
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		InetAddress address;
		try {
			address = InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Unknown host '" + host + "'", ex);
		}
		if (!address.isLoopbackAddress()) {
			throw new IllegalArgumentException(
					"The embedded MQTT broker only binds to loopback addresses, not to '" + host + "'");
		}
		return address;
	}

	private static int checkPort(String name, int value, boolean allowDisabled) {
		int min = allowDisabled ? WEBSOCKET_DISABLED : RANDOM_PORT;
		if (value < min || value > 65535) {
			throw new IllegalArgumentException(name + " must be between " + min + " and 65535, not " + value);
		}
		return value;
	}

	/**
	 * Builder for {@link EmbeddedMqttBroker}.
	 */
	public static final class Builder {

		private String host = DEFAULT_HOST;

		private int port = RANDOM_PORT;

		private int webSocketPort = WEBSOCKET_DISABLED;

		private Integer maxPacketSize;

		private Integer maxQos;

		private Boolean retainedMessagesEnabled;

		private Boolean sharedSubscriptionsEnabled;

		private Duration startTimeout = DEFAULT_START_TIMEOUT;

		private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

		private final List<ExtensionMain> extensions = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Set the bind address; must be a loopback address such as {@code 127.0.0.1},
		 * {@code localhost} or {@code ::1}. Default {@value EmbeddedMqttBroker#DEFAULT_HOST}.
		 * @param host the host
		 * @return this builder
		 */
		public Builder host(String host) {
			resolveLoopback(host);
			this.host = host;
			return this;
		}

		/**
		 * Set the TCP port; default {@value EmbeddedMqttBroker#RANDOM_PORT} (a free port is
		 * picked on start).
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = checkPort("port", port, false);
			return this;
		}

		/**
		 * Set the WebSocket port; {@value EmbeddedMqttBroker#RANDOM_PORT} for a free port
		 * picked on start, default {@value EmbeddedMqttBroker#WEBSOCKET_DISABLED} (no
		 * WebSocket listener).
		 * @param webSocketPort the port
		 * @return this builder
		 */
		public Builder webSocketPort(int webSocketPort) {
			this.webSocketPort = checkPort("webSocketPort", webSocketPort, true);
			return this;
		}

		/**
		 * Set the maximum MQTT packet size in bytes the broker accepts
		 * ({@code <mqtt><packets><max-packet-size>}). Default: HiveMQ's
		 * ({@value EmbeddedMqttBroker#MAX_PACKET_SIZE_LIMIT}, the protocol maximum).
		 * @param maxPacketSize the size, between 1 and
		 * {@value EmbeddedMqttBroker#MAX_PACKET_SIZE_LIMIT}
		 * @return this builder
		 */
		public Builder maxPacketSize(int maxPacketSize) {
			if (maxPacketSize < 1 || maxPacketSize > MAX_PACKET_SIZE_LIMIT) {
				throw new IllegalArgumentException(
						"maxPacketSize must be between 1 and " + MAX_PACKET_SIZE_LIMIT + ", not " + maxPacketSize);
			}
			this.maxPacketSize = maxPacketSize;
			return this;
		}

		/**
		 * Set the maximum QoS the broker grants ({@code <mqtt><quality-of-service><max-qos>}).
		 * Default: HiveMQ's (2).
		 * @param maxQos 0, 1 or 2
		 * @return this builder
		 */
		public Builder maxQos(int maxQos) {
			if (maxQos < 0 || maxQos > 2) {
				throw new IllegalArgumentException("maxQos must be 0, 1 or 2, not " + maxQos);
			}
			this.maxQos = maxQos;
			return this;
		}

		/**
		 * Enable or disable retained messages ({@code <mqtt><retained-messages><enabled>}).
		 * Default: HiveMQ's (enabled).
		 * @param enabled whether retained messages are supported
		 * @return this builder
		 */
		public Builder retainedMessagesEnabled(boolean enabled) {
			this.retainedMessagesEnabled = enabled;
			return this;
		}

		/**
		 * Set whether the broker supports shared subscriptions (HiveMQ's default: yes);
		 * without them it announces Shared Subscription Available = 0 to MQTT 5 clients.
		 * @param enabled whether shared subscriptions are available
		 * @return this builder
		 */
		public Builder sharedSubscriptionsEnabled(boolean enabled) {
			this.sharedSubscriptionsEnabled = enabled;
			return this;
		}

		/**
		 * Add a HiveMQ extension (the HiveMQ extension SDK's {@code ExtensionMain}) that
		 * runs inside the broker, for example an authenticator that tests MQTT 5 enhanced
		 * authentication or a cloud broker's password scheme. Extensions start in the order
		 * added.
		 * @param extension the extension's main class instance
		 * @return this builder
		 */
		public Builder extension(ExtensionMain extension) {
			this.extensions.add(Objects.requireNonNull(extension, "extension must not be null"));
			return this;
		}

		/**
		 * Set how long {@link EmbeddedMqttBroker#start()} waits for the broker; default 30 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder startTimeout(Duration timeout) {
			this.startTimeout = checkTimeout(timeout);
			return this;
		}

		/**
		 * Set how long {@link EmbeddedMqttBroker#stop()} waits for the broker; default 30 s.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder stopTimeout(Duration timeout) {
			this.stopTimeout = checkTimeout(timeout);
			return this;
		}

		/**
		 * Build the broker; it is not started.
		 * @return the broker
		 */
		public EmbeddedMqttBroker build() {
			return new EmbeddedMqttBroker(this);
		}

		private static Duration checkTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout must not be null");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, not " + timeout);
			}
			return timeout;
		}

	}

	/**
	 * A listener could not be bound: worth another attempt on other random ports.
	 */
	private static final class ListenerBindException extends Exception {

		private static final long serialVersionUID = 1L;

		ListenerBindException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
