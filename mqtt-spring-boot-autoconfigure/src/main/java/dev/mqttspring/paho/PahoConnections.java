package dev.mqttspring.paho;

import java.net.URI;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

import org.apache.commons.logging.Log;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.client.MqttServerUris;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttReasonCodes;
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
	public static final int PHASE = DefaultMqttConnection.PHASE;

	private PahoConnections() {
	}

	/**
	 * Create a connection for the settings (MQTT 5 or 3.1.1 as configured).
	 * @param settings the settings
	 * @return the connection, not yet started
	 */
	public static MqttConnection create(MqttConnectionSettings settings) {
		if (settings.getVersion() == MqttVersion.V5) {
			return new DefaultMqttConnection(settings, (callbacks) -> new PahoV5Adapter(settings, callbacks));
		}
		return new DefaultMqttConnection(settings, (callbacks) -> new PahoV3Adapter(settings, callbacks));
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
		return FastSocketFactory.wrap(factory, settings.getApplicationProtocols());
	}

	/**
	 * Warn (once per connection, on its first QoS 2 subscription) when QoS 2 messages that
	 * a listener is processing when the application dies would be lost: Paho acknowledges
	 * the receipt of a QoS 2 message (PUBREC) before the listener runs, so the broker does
	 * not send it again; only the client's file store keeps it for the next run.
	 * @param settings the connection's settings
	 * @param filter the filter subscribed to
	 * @param qos the QoS subscribed with
	 * @param warned whether the connection warned already
	 * @param logger the connection's logger
	 */
	static void checkQos2Durability(MqttConnectionSettings settings, String filter, int qos, AtomicBoolean warned,
			Log logger) {
		if (qos == 2 && !settings.isCleanStart() && settings.getPersistence() != MqttConnectionSettings.Persistence.FILE
				&& warned.compareAndSet(false, true)) {
			logger.warn("'" + filter + "' is subscribed with QoS 2 on a persistent session, but a QoS 2 message that a listener "
					+ "is processing when the application stops abnormally is lost: the client library acknowledges its "
					+ "receipt before the listener runs, and mqtt.persistence.type=memory keeps nothing for the next run. "
					+ "Set mqtt.persistence.type=file to have such messages delivered again after a restart");
		}
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
