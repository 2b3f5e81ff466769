package dev.mqttspring.embedded;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts one HiveMQ CE embedded instance for an {@link EmbeddedMqttBroker}: picks the free
 * ports, writes its directory, starts it with the JVM-wide state saved and restored, checks
 * that every listener is bound, and retries on other ports when random ones were taken in
 * the meantime. Callers serialise launches (HiveMQ keeps global state).
 */
final class HiveMqLauncher {

	private static final Log logger = LogFactory.getLog(HiveMqLauncher.class);

	static final int MAX_START_ATTEMPTS = 3;

	private final InetAddress address;

	private final Duration startTimeout;

	private final Duration stopTimeout;

	private final List<ExtensionMain> extensions;

	private final BiFunction<Integer, Integer, String> configXml;

	/**
	 * Create a launcher.
	 * @param address the bind address
	 * @param startTimeout how long a start may take
	 * @param stopTimeout how long closing a failed instance may take
	 * @param extensions the extensions to run inside the broker, in order
	 * @param configXml renders {@code config.xml} for a TCP and a WebSocket port
	 */
	HiveMqLauncher(InetAddress address, Duration startTimeout, Duration stopTimeout, List<ExtensionMain> extensions,
			BiFunction<Integer, Integer, String> configXml) {
		this.address = address;
		this.startTimeout = startTimeout;
		this.stopTimeout = stopTimeout;
		this.extensions = List.copyOf(extensions);
		this.configXml = configXml;
	}

	/**
	 * Start HiveMQ, with up to {@value #MAX_START_ATTEMPTS} attempts when a port is random.
	 * @param tcpPort the TCP port or {@link EmbeddedMqttBroker#RANDOM_PORT}
	 * @param wsPort the WebSocket port, {@link EmbeddedMqttBroker#RANDOM_PORT} or
	 * {@link EmbeddedMqttBroker#WEBSOCKET_DISABLED}
	 * @return the running instance, its directory and its ports
	 * @throws IllegalStateException if it could not be started
	 */
	Launched launch(int tcpPort, int wsPort) {
		boolean random = tcpPort == EmbeddedMqttBroker.RANDOM_PORT || wsPort == EmbeddedMqttBroker.RANDOM_PORT;
		IllegalStateException failure = null;
		for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
			int[] ports = LoopbackPorts.pickFree(this.address, tcpPort, wsPort);
			try {
				return startOnce(ports[0], ports[1]);
			}
			catch (ListenerBindException ex) {
				failure = new IllegalStateException(ex.getMessage(), ex.getCause());
				if (!random) {
					break;
				}
				if (logger.isDebugEnabled()) {
					logger.debug("Embedded MQTT broker could not bind its listeners (attempt " + attempt
							+ "), retrying on other ports", ex);
				}
			}
		}
		throw failure;
	}

	private Launched startOnce(int tcpPort, int wsPort) throws ListenerBindException {
		Path directory = BrokerDirectory.create(this.configXml.apply(tcpPort, wsPort));
		EmbeddedHiveMQ embedded;
		try {
			EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
				.withConfigurationFolder(BrokerDirectory.configFolder(directory))
				.withDataFolder(BrokerDirectory.dataFolder(directory))
				.withExtensionsFolder(BrokerDirectory.extensionsFolder(directory))
				.withoutLoggingBootstrap();
			if (!this.extensions.isEmpty()) {
				builder.withEmbeddedExtension(embeddedExtension());
			}
			embedded = builder.build();
		}
		catch (RuntimeException | LinkageError ex) {
			BrokerDirectory.delete(directory);
			throw new IllegalStateException("Could not create embedded HiveMQ broker: " + ex, ex);
		}
		HiveMqJvmState jvmState = HiveMqJvmState.adjust();
		boolean started = false;
		try {
			awaitStart(embedded, tcpPort, wsPort);
			// HiveMQ only fails if no listener at all could be bound: check each one
			List<Integer> notListening = new ArrayList<>();
			for (int listenerPort : new int[] { tcpPort, wsPort }) {
				if (listenerPort > 0 && !LoopbackPorts.isListening(this.address, listenerPort)) {
					notListening.add(listenerPort);
				}
			}
			if (!notListening.isEmpty()) {
				throw new ListenerBindException("Embedded MQTT broker could not bind " + describeListeners(tcpPort, wsPort)
						+ ", nothing listens on port(s) " + notListening, null);
			}
			started = true;
			return new Launched(embedded, directory, tcpPort, wsPort);
		}
		finally {
			if (!started) {
				closeQuietly(embedded, this.stopTimeout);
				BrokerDirectory.delete(directory);
			}
			jvmState.restore();
		}
	}

	private void awaitStart(EmbeddedHiveMQ embedded, int tcpPort, int wsPort) throws ListenerBindException {
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
	}

	/**
	 * The extensions as one embedded extension (HiveMQ takes one), started and stopped in
	 * the order given.
	 */
	private EmbeddedExtension embeddedExtension() {
		List<ExtensionMain> all = this.extensions;
		ExtensionMain main = new ExtensionMain() {

			@Override
			public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
				for (ExtensionMain extension : all) {
					extension.extensionStart(input, output);
				}
			}

			@Override
			public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
				for (ExtensionMain extension : all) {
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

	private String describeListeners(int tcpPort, int wsPort) {
		String host = this.address.getHostAddress();
		String tcp = "its TCP listener to " + host + ":" + tcpPort;
		return (wsPort != EmbeddedMqttBroker.WEBSOCKET_DISABLED)
				? tcp + " and its WebSocket listener to " + host + ":" + wsPort : tcp;
	}

	/**
	 * Whether a start failure means that no listener could be bound (HiveMQ throws an
	 * {@code UnrecoverableException} then).
	 * @param failure the failure
	 * @return {@code true} for a bind failure, worth another attempt on other ports
	 */
	static boolean isListenerBindFailure(@Nullable Throwable failure) {
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

	/**
	 * Close an instance on a helper thread, waiting at most the timeout
	 * ({@link EmbeddedHiveMQ#close()} waits without bound); a failure is logged.
	 * @param embedded the instance
	 * @param timeout the bound
	 */
	static void closeQuietly(EmbeddedHiveMQ embedded, Duration timeout) {
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
			closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Could not close the embedded HiveMQ broker cleanly: " + ex);
		}
	}

	/**
	 * A started HiveMQ instance.
	 *
	 * @param hiveMq the instance
	 * @param directory its base directory, to delete after stop
	 * @param port the TCP port
	 * @param webSocketPort the WebSocket port or {@link EmbeddedMqttBroker#WEBSOCKET_DISABLED}
	 */
	record Launched(EmbeddedHiveMQ hiveMq, Path directory, int port, int webSocketPort) {
	}

	/**
	 * A listener could not be bound: worth another attempt on other random ports.
	 */
	private static final class ListenerBindException extends Exception {

		private static final long serialVersionUID = 1L;

		ListenerBindException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
