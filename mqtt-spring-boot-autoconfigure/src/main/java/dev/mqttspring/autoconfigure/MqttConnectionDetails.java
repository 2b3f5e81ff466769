package dev.mqttspring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Details required to establish a connection to an MQTT broker; defined as a bean by
 * {@code @ServiceConnection} or Docker Compose support to override {@code mqtt.*}.
 *
 * @author mqtt-spring-boot
 */
public interface MqttConnectionDetails extends ConnectionDetails {

	/**
	 * Server URIs in failover order ({@code tcp://}, {@code ssl://}, {@code ws://} or
	 * {@code wss://}).
	 * @return the server URIs
	 */
	List<String> getServerUris();

	/**
	 * Login user name.
	 * @return the user name or {@code null}
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * Login password.
	 * @return the password or {@code null}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * SSL bundle for TLS connections.
	 * @return the SSL bundle or {@code null}
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
