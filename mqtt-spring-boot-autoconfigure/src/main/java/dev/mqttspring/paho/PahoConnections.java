package dev.mqttspring.paho;

import java.net.URI;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.client.AbstractMqttClientConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttServerUris;
import dev.mqttspring.core.MqttVersion;

/**
 * Creates {@link MqttConnection}s backed by Eclipse Paho. The returned connection is
 * also a {@link SmartLifecycle} that connects on start and disconnects on stop.
 *
 * @author mqtt-spring-boot
 */
public final class PahoConnections {

	/**
	 * The lifecycle phase of Paho connections: after an embedded broker, before listener
	 * containers.
	 */
	public static final int PHASE = AbstractMqttClientConnection.PHASE;

	private PahoConnections() {
	}

	/**
	 * Create a connection for the settings (MQTT 5 or 3.1.1 as configured).
	 * @param settings the settings
	 * @return the connection, not yet started
	 */
	public static MqttConnection create(MqttConnectionSettings settings) {
		return (settings.getVersion() == MqttVersion.V5) ? new PahoV5Connection(settings) : new PahoV3Connection(settings);
	}

	static Path persistenceDirectory(MqttConnectionSettings settings) {
		Path base = settings.getPersistenceDirectory();
		if (base == null) {
			base = Path.of(System.getProperty("java.io.tmpdir"), "mqtt-spring-boot");
		}
		return base.toAbsolutePath();
	}

	static SocketFactory socketFactory(MqttConnectionSettings settings) {
		SocketFactory factory = settings.getSocketFactory();
		if (factory == null) {
			factory = usesTls(settings) ? defaultSslFactory() : SocketFactory.getDefault();
		}
		return FastSocketFactory.wrap(factory);
	}

	/**
	 * Return whether the settings' URIs use TLS ({@code ssl://} or {@code wss://}).
	 * @param settings the settings
	 * @return whether TLS is used
	 */
	public static boolean usesTls(MqttConnectionSettings settings) {
		return MqttServerUris.isTls(URI.create(settings.getServerUris().get(0)));
	}

	private static SocketFactory defaultSslFactory() {
		try {
			return SSLContext.getDefault().getSocketFactory();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("No default TLS context", ex);
		}
	}

	static String describe(Throwable ex, int reasonCode) {
		if (reasonCode >= 0 && reasonCode < 0x100) {
			return MqttReasonCodes.describe(reasonCode);
		}
		String message = ex.getMessage();
		// Paho wraps TLS and I/O failures in an exception that only says "MqttException"
		boolean generic = ex.getCause() != null
				&& (message == null || message.equals("MqttException") || message.startsWith("Untranslated MqttException"));
		StringBuilder text = new StringBuilder(generic ? "" : String.valueOf(message));
		Throwable cause = ex.getCause();
		while (cause != null && cause != cause.getCause()) {
			text.append(text.isEmpty() ? "" : ": ").append(cause.getClass().getSimpleName()).append(" ").append(cause.getMessage());
			cause = cause.getCause();
		}
		return text.toString();
	}

}
