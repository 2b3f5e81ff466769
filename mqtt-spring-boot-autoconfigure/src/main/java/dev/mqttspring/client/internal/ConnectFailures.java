package dev.mqttspring.client.internal;

import java.io.EOFException;
import java.net.URI;
import java.net.URISyntaxException;

import dev.mqttspring.client.MqttServerUris;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttVersion;

/**
 * Turns what a client library reports about a connect attempt into what the user sees:
 * a failed attempt as an {@link MqttConnectException} that names the servers, the client,
 * the cause and the property to check; a connected URI as the configured one.
 */
final class ConnectFailures {

	private final MqttConnectionSettings settings;

	public ConnectFailures(MqttConnectionSettings settings) {
		this.settings = settings;
	}

	/**
	 * Describe a failed connect attempt.
	 * @param ex what the client library reported
	 * @param reasonCode the CONNACK reason code in it, -1 if none
	 * @param description the client library's description of it
	 * @return the exception to report
	 */
	public MqttConnectException failure(Throwable ex, int reasonCode, String description) {
		if (ex instanceof ConnectCredentials.Failure failure) {
			return failure;
		}
		String hint = switch (reasonCode) {
			case 0x86 -> "; check mqtt.username and mqtt.password";
			case 0x87 -> "; the broker does not allow this client: check mqtt.username, mqtt.password and the broker's ACL";
			case 0x85 -> "; check mqtt.client-id";
			default -> otherHint(ex);
		};
		return new MqttConnectException("Could not connect to " + String.join(", ", this.settings.getServerUris())
				+ " as client '" + this.settings.getClientId() + "': " + description + hint, reasonCode, ex);
	}

	private String otherHint(Throwable ex) {
		String tls = TlsFailureHints.hint(ex);
		if (!tls.isEmpty() || !closedBeforeConnack(ex)) {
			return tls;
		}
		return "; the broker closed the connection without answering the MQTT 5 CONNECT, "
				+ "as brokers that speak only MQTT 3.1.1 do (RabbitMQ's MQTT plugin before 3.13): set mqtt.version=3.1.1";
	}

	private boolean closedBeforeConnack(Throwable ex) {
		if (this.settings.getVersion() != MqttVersion.V5) {
			return false;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof EOFException || "ConnectionClosedException".equals(cause.getClass().getSimpleName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the configured URI that the client reports as connected; Paho drops the path
	 * of WebSocket URIs ({@code ws://host:port/mqtt} becomes {@code ws://host:port}).
	 * @param reported the URI the client reports
	 * @return the configured URI, else the reported one
	 */
	public String configuredUri(String reported) {
		URI actual;
		try {
			actual = new URI(reported);
		}
		catch (URISyntaxException | NullPointerException ex) {
			return reported;
		}
		for (String candidate : this.settings.getServerUris()) {
			URI uri = URI.create(candidate);
			if (candidate.equals(reported) || (uri.getScheme().equalsIgnoreCase(actual.getScheme())
					&& uri.getHost().equalsIgnoreCase(actual.getHost()) && MqttServerUris.port(uri) == MqttServerUris.port(actual))) {
				return candidate;
			}
		}
		return reported;
	}

}
