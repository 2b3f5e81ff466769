package dev.mqttspring.client.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttCredentials;
import dev.mqttspring.core.MqttCredentialsProvider;

/**
 * The user name and password of each connect attempt: asked from the
 * {@link MqttCredentialsProvider} before every attempt when there is one, else taken from
 * the settings; and when credentials that expire should be renewed by reconnecting.
 */
public final class ConnectCredentials {

	private final MqttConnectionSettings settings;

	/** What the credentials provider returned for the current attempt or connection. */
	private volatile @Nullable MqttCredentials current;

	public ConnectCredentials(MqttConnectionSettings settings) {
		this.settings = settings;
	}

	/**
	 * Ask the credentials provider (if any) for the credentials of the next attempt.
	 * @return {@code null} if the attempt may go on, else why it may not
	 */
	public @Nullable MqttConnectException fetch() {
		MqttCredentialsProvider provider = this.settings.getCredentialsProvider();
		if (provider == null) {
			return null;
		}
		MqttCredentials fetched = null;
		String problem;
		RuntimeException cause = null;
		try {
			fetched = provider.getCredentials();
			problem = "returned no credentials";
		}
		catch (RuntimeException ex) {
			cause = ex;
			problem = "failed: " + ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		}
		if (fetched == null) {
			return new Failure("The MQTT credentials provider of client '" + this.settings.getClientId() + "' ("
					+ provider.getClass().getName() + ") " + problem + "; no attempt to connect to "
					+ String.join(", ", this.settings.getServerUris()) + " was made, the next one asks it again", cause);
		}
		this.current = fetched;
		return null;
	}

	/**
	 * Return the user name of the current attempt: the credentials provider's, else the
	 * settings'.
	 * @return the user name, or {@code null}
	 */
	public @Nullable String username() {
		MqttCredentials provided = provided();
		return (provided != null) ? provided.getUsername() : this.settings.getUsername();
	}

	/**
	 * Return the password of the current attempt: the credentials provider's, else the
	 * settings' in UTF-8.
	 * @return the password bytes, or {@code null}
	 */
	public byte @Nullable [] password() {
		MqttCredentials provided = provided();
		if (provided != null) {
			return provided.getPassword();
		}
		char[] password = this.settings.getPassword();
		return (password != null) ? utf8(password) : null;
	}

	/**
	 * Return when the current credentials expire.
	 * @return the time, or {@code null} if they do not
	 */
	public @Nullable Instant expiresAt() {
		MqttCredentials provided = provided();
		return (provided != null) ? provided.getExpiresAt() : null;
	}

	/**
	 * Return how long to wait before reconnecting with fresh credentials:
	 * mqtt.credentials-renewal-margin before they expire, at the latest halfway through
	 * their remaining life, at least a second.
	 * @param expiresAt when the credentials expire
	 * @param now the current time
	 * @return the delay in milliseconds
	 */
	public long renewalDelayMillis(Instant expiresAt, Instant now) {
		long left = Duration.between(now, expiresAt).toMillis();
		return Math.max(1000, Math.max(left - this.settings.getCredentialsRenewalMargin().toMillis(), left / 2));
	}

	private @Nullable MqttCredentials provided() {
		return (this.settings.getCredentialsProvider() != null) ? this.current : null;
	}

	/**
	 * Return the UTF-8 bytes of a password, as MQTT sends it, wiping the intermediate
	 * buffer.
	 * @param chars the password
	 * @return the encoded password
	 */
	public static byte[] utf8(char[] chars) {
		ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
		byte[] bytes = Arrays.copyOf(buffer.array(), buffer.limit());
		Arrays.fill(buffer.array(), (byte) 0);
		return bytes;
	}

	/**
	 * A connect attempt that the credentials provider stopped before it began.
	 */
	public static final class Failure extends MqttConnectException {

		Failure(String message, @Nullable Throwable cause) {
			super(message, -1, cause);
		}

	}

}
