package dev.mqttspring.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link MosquittoBroker.Builder} was given, as one immutable value, and the
 * checks of those options.
 *
 * @param port the plain listener port, 0 for a free one
 * @param tlsPort the TLS listener port, 0 for a free one
 * @param allowAnonymous whether anonymous access is allowed, {@code null} for "unless users are configured"
 * @param users the users and their clear text passwords, in order
 * @param acl the ACL file content or {@code null}
 * @param tls the TLS listener's PEM files or {@code null} for none
 * @param requireClientCertificate {@code require_certificate}
 * @param useIdentityAsUsername {@code use_identity_as_username}
 * @param maxPacketSize {@code max_packet_size} or {@code null}
 * @param maxInflightMessages {@code max_inflight_messages} or {@code null}
 * @param maxQueuedMessages {@code max_queued_messages} or {@code null}
 * @param persistence whether persistence is enabled
 * @param autosaveInterval {@code autosave_interval} or {@code null}
 * @param parentDirectory where to create the broker's directory, {@code null} for {@code java.io.tmpdir}
 * @param extraLines raw configuration lines appended after the listeners
 * @param logDebug whether all log types are enabled
 */
record MosquittoSettings(int port, int tlsPort, @Nullable Boolean allowAnonymous, Map<String, String> users,
		@Nullable String acl, @Nullable Tls tls, boolean requireClientCertificate, boolean useIdentityAsUsername,
		@Nullable Integer maxPacketSize, @Nullable Integer maxInflightMessages, @Nullable Integer maxQueuedMessages,
		boolean persistence, @Nullable Integer autosaveInterval, @Nullable Path parentDirectory, List<String> extraLines,
		boolean logDebug) {

	MosquittoSettings {
		if (autosaveInterval != null && !persistence) {
			throw new IllegalStateException("autosaveInterval requires persistence(true)");
		}
		if ((requireClientCertificate || useIdentityAsUsername) && tls == null) {
			throw new IllegalStateException("Client certificate options require tls(...)");
		}
		if (port != 0 && port == tlsPort) {
			throw new IllegalStateException("port and tlsPort must differ, both are " + port);
		}
	}

	/**
	 * Whether a listener port is picked at random (and may be picked again after a clash).
	 * @return {@code true} if the plain or the TLS port is 0
	 */
	boolean autoPorts() {
		return this.port == 0 || (this.tls != null && this.tlsPort == 0);
	}

	/**
	 * Pick the listener ports: the configured ones, free ones for 0 (the TLS port differs
	 * from the plain one).
	 * @return the plain port and the TLS port, -1 without TLS
	 */
	int[] choosePorts() {
		int plain = (this.port != 0) ? this.port : FreePorts.find();
		int secure = -1;
		if (this.tls != null) {
			secure = this.tlsPort;
			while (secure == 0 || secure == plain) {
				secure = FreePorts.find();
			}
		}
		return new int[] { plain, secure };
	}

	/**
	 * The PEM files of the TLS listener.
	 *
	 * @param caCertificate the CA certificate verifying client certificates
	 * @param serverCertificate the server certificate
	 * @param serverKey the unencrypted server private key
	 */
	record Tls(Path caCertificate, Path serverCertificate, Path serverKey) {
	}

	static Path requireFile(Path file) {
		Objects.requireNonNull(file, "TLS file must not be null");
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException("TLS file " + file + " does not exist");
		}
		return file;
	}

	static int checkPort(int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Port must be between 0 and 65535 but was " + port);
		}
		return port;
	}

	static int checkPositive(int value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive but was " + value);
		}
		return value;
	}

	static int checkNotNegative(int value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative but was " + value);
		}
		return value;
	}

}
