package dev.mqttspring.core;

/**
 * Supplies the credentials of a connection before every connection attempt: the first
 * connect, each reconnect and each failover, so that short-lived passwords (Azure SAS
 * tokens, JWTs, OAuth access tokens) are fetched fresh. A bean of this type is used by the
 * default connection; a bean named {@code <name>MqttCredentialsProvider} by the named
 * connection {@code <name>}. Without one, {@code mqtt.username} and {@code mqtt.password}
 * apply.
 * <p>
 * Called on the connection's own threads, never on a client library's; it may block for a
 * short time (a token endpoint), but every attempt waits for it. Throwing or returning
 * {@code null} fails the attempt (health DOWN with the cause, reconnect with back-off).
 * When the credentials carry an expiry, the connection reconnects gracefully with fresh
 * ones {@code mqtt.credentials-renewal-margin} before it.
 */
@FunctionalInterface
public interface MqttCredentialsProvider {

	/**
	 * Return the credentials for the next connection attempt.
	 * @return the credentials, never {@code null}
	 */
	MqttCredentials getCredentials();

}
