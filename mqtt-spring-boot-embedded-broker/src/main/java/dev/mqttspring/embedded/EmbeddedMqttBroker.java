package dev.mqttspring.embedded;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A small, loopback-only MQTT broker backed by HiveMQ Community Edition embedded, for
 * tests, samples and local development: in-memory persistence, a TCP listener and an
 * optional WebSocket listener ({@value #WEBSOCKET_PATH}). Close it (it is
 * {@link AutoCloseable}): HiveMQ's threads would keep the JVM alive. What it does to
 * JVM-wide state is described in the guide.
 * <p>
 * Instances are thread-safe; a stopped broker can be started again on the same ports.
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

	private static final Log logger = LogFactory.getLog(EmbeddedMqttBroker.class);

	/** HiveMQ keeps JVM-wide state (statics, system properties): start one at a time. */
	private static final Object LIFECYCLE_LOCK = new Object();

	private final String host;

	private final Integer maxPacketSize;

	private final Integer maxQos;

	private final Boolean retainedMessagesEnabled;

	private final Boolean sharedSubscriptionsEnabled;

	private final Duration startTimeout;

	private final Duration stopTimeout;

	private final HiveMqLauncher launcher;

	private volatile int port;

	private volatile int webSocketPort;

	private volatile boolean running;

	// guarded by this
	private @Nullable EmbeddedHiveMQ hiveMq;

	// guarded by this
	private @Nullable Path baseDirectory;

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
		InetAddress bindAddress = LoopbackPorts.resolve(builder.host);
		this.host = bindAddress.getHostAddress();
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
		this.launcher = new HiveMqLauncher(bindAddress, this.startTimeout, this.stopTimeout, builder.extensions,
				this::configXml);
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
		HiveMqLauncher.Launched launched = this.launcher.launch(this.port, this.webSocketPort);
		this.hiveMq = launched.hiveMq();
		this.baseDirectory = launched.directory();
		this.port = launched.port();
		this.webSocketPort = launched.webSocketPort();
		this.running = true;
		if (logger.isDebugEnabled()) {
			logger.debug("Embedded MQTT broker started on " + getUrl()
					+ ((launched.webSocketPort() != WEBSOCKET_DISABLED) ? " and " + getWebSocketUrl() : "") + " in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
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
				HiveMqLauncher.closeQuietly(embedded, this.stopTimeout);
				throw new IllegalStateException("Embedded MQTT broker failed to stop: " + cause, cause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while stopping the embedded MQTT broker", ex);
			}
			finally {
				BrokerDirectory.delete(directory);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Embedded MQTT broker on port " + this.port + " stopped in "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
			}
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

	private String urlHost() {
		return (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]" : this.host;
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
			LoopbackPorts.resolve(host);
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

}
