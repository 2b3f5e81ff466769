package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The user name and password for one connection attempt, as a
 * {@link MqttCredentialsProvider} returns them, optionally with the time they expire (a
 * SAS token, a JWT, an OAuth access token): the connection then reconnects with fresh
 * credentials before that time. {@link #toString()} never shows the password.
 *
 * @see MqttCredentialsProvider
 */
public final class MqttCredentials {

	private final @Nullable String username;

	private final byte @Nullable [] password;

	private final @Nullable Instant expiresAt;

	private MqttCredentials(@Nullable String username, byte @Nullable [] password, @Nullable Instant expiresAt) {
		this.username = username;
		this.password = (password != null) ? password.clone() : null;
		this.expiresAt = expiresAt;
	}

	/**
	 * Credentials that do not expire.
	 * @param username the user name, or {@code null}
	 * @param password the password, or {@code null}
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, @Nullable String password) {
		return of(username, password, null);
	}

	/**
	 * Credentials that expire.
	 * @param username the user name, or {@code null}
	 * @param password the password, or {@code null}
	 * @param expiresAt when the broker stops accepting them, or {@code null} if never
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, @Nullable String password, @Nullable Instant expiresAt) {
		return new MqttCredentials(username, (password != null) ? password.getBytes(StandardCharsets.UTF_8) : null,
				expiresAt);
	}

	/**
	 * Credentials with a binary password (MQTT passwords are binary data).
	 * @param username the user name, or {@code null}
	 * @param password the password, or {@code null}
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, byte @Nullable [] password) {
		return of(username, password, null);
	}

	/**
	 * Credentials with a binary password that expire.
	 * @param username the user name, or {@code null}
	 * @param password the password, or {@code null}
	 * @param expiresAt when the broker stops accepting them, or {@code null} if never
	 * @return the credentials
	 */
	public static MqttCredentials of(@Nullable String username, byte @Nullable [] password, @Nullable Instant expiresAt) {
		return new MqttCredentials(username, password, expiresAt);
	}

	/**
	 * Return the user name.
	 * @return the user name, or {@code null}
	 */
	public @Nullable String getUsername() {
		return this.username;
	}

	/**
	 * Return a copy of the password.
	 * @return the password bytes, or {@code null}
	 */
	public byte @Nullable [] getPassword() {
		return (this.password != null) ? this.password.clone() : null;
	}

	/**
	 * Return when the credentials expire.
	 * @return the expiry, or {@code null} if they do not expire
	 */
	public @Nullable Instant getExpiresAt() {
		return this.expiresAt;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof MqttCredentials that && java.util.Objects.equals(this.username, that.username)
				&& Arrays.equals(this.password, that.password) && java.util.Objects.equals(this.expiresAt, that.expiresAt);
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(this.username, Arrays.hashCode(this.password), this.expiresAt);
	}

	@Override
	public String toString() {
		return "MqttCredentials{username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
				+ ", expiresAt=" + this.expiresAt + "}";
	}

}
