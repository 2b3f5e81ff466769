package dev.mqttspring.core;

import org.jspecify.annotations.Nullable;

/**
 * MQTT 5 enhanced authentication: a challenge-response exchange of AUTH packets (for
 * example SCRAM, Kerberos or a token the broker checks step by step) under an
 * authentication method the broker knows. A bean of this type is used by the default
 * connection; a bean named {@code <name>MqttEnhancedAuthenticator} by the named connection
 * {@code <name>}. It needs {@code mqtt.version=5} and the HiveMQ client library (the
 * default); with anything else start-up fails, naming the setting to change.
 * <p>
 * The connection calls it for every connection attempt and for every re-authentication,
 * which the application starts with {@link MqttConnection#reauthenticate()} or the broker
 * starts itself. The methods run on a thread of their own, never on a client library's, so
 * they may block for a short time. Authentication data is secret: the starter never logs
 * it. A method that throws fails the attempt (health DOWN with the cause, reconnect with
 * back-off) or the re-authentication.
 *
 * @author mqtt-spring-boot
 * @see MqttConnection#reauthenticate()
 */
public interface MqttEnhancedAuthenticator {

	/**
	 * Return the authentication method, sent in CONNECT and in every AUTH packet, for
	 * example {@code SCRAM-SHA-256}.
	 * @return the method, not empty
	 */
	String getMethod();

	/**
	 * Return the authentication data that starts an exchange: in CONNECT, or in the AUTH
	 * packet of a re-authentication.
	 * @param reauthentication whether a connected client re-authenticates
	 * @return the data, or {@code null} for none
	 */
	byte @Nullable [] initialData(boolean reauthentication);

	/**
	 * Answer a challenge of the broker (an AUTH packet with reason "continue
	 * authentication", or the AUTH packet of a re-authentication the broker starts).
	 * @param serverData the broker's authentication data, or {@code null}
	 * @return the data for the client's answering AUTH packet, or {@code null} for none
	 */
	byte @Nullable [] challenge(byte @Nullable [] serverData);

	/**
	 * Check the broker's final answer (CONNACK or AUTH with reason "success"), for example
	 * a server signature. Returning {@code false} or throwing rejects the broker: the
	 * attempt fails (or, for a re-authentication, the connection is closed and
	 * reconnects).
	 * @param serverData the broker's authentication data, or {@code null}
	 * @param reauthentication whether this ends a re-authentication
	 * @return whether the broker is accepted; {@code true} by default
	 */
	default boolean succeeded(byte @Nullable [] serverData, boolean reauthentication) {
		return true;
	}

}
