package dev.mqttspring.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * Everything needed to open and keep the connection, independent of the client library.
 * The auto-configuration fills it from {@code mqtt.*} properties; an
 * {@code MqttConnectionCustomizer} bean may adjust it before the connection is created.
 *
 * @author mqtt-spring-boot
 */
public final class MqttConnectionSettings {

	/**
	 * The default of {@link #getMaxInboundPacketSize()}: 4 MiB.
	 */
	public static final long DEFAULT_MAX_INBOUND_PACKET_SIZE = 4L * 1024 * 1024;

	private List<String> serverUris = new ArrayList<>(List.of("tcp://localhost:1883"));

	private String clientId = "mqtt-spring-boot";

	private @Nullable String username;

	private char @Nullable [] password;

	private MqttVersion version = MqttVersion.V5;

	private Duration keepAlive = Duration.ofSeconds(60);

	private Duration connectionTimeout = Duration.ofSeconds(10);

	private boolean cleanStart = true;

	private Duration sessionExpiry = Duration.ZERO;

	private boolean automaticReconnect = true;

	private Duration reconnectMinDelay = Duration.ofSeconds(1);

	private Duration reconnectMaxDelay = Duration.ofSeconds(30);

	private int maxInflight = 1000;

	private int offlineBufferSize = 100_000;

	private long offlineBufferMemory = 32L * 1024 * 1024;

	private @Nullable Path outboxDirectory;

	private @Nullable MqttCredentialsProvider credentialsProvider;

	private @Nullable MqttEnhancedAuthenticator enhancedAuthenticator;

	private Duration credentialsRenewalMargin = Duration.ofMinutes(1);

	private long outboxMaxSize = 256L * 1024 * 1024;

	private Duration outboxSyncInterval = Duration.ofSeconds(1);

	private Duration publishTimeout = Duration.ofSeconds(30);

	private Duration publishMaxBlock = Duration.ofSeconds(30);

	private Duration shutdownTimeout = Duration.ofSeconds(2);

	private boolean failFast;

	private int maxQos = 2;

	private long maxPacketSize = MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE;

	private long maxInboundPacketSize = DEFAULT_MAX_INBOUND_PACKET_SIZE;

	private @Nullable Will will;

	private @Nullable SocketFactory socketFactory;

	private @Nullable TrustManagerFactory trustManagerFactory;

	private @Nullable KeyManagerFactory keyManagerFactory;

	private boolean hostnameVerification = true;

	private List<String> applicationProtocols = List.of();

	private Persistence persistence = Persistence.MEMORY;

	private @Nullable Path persistenceDirectory;

	private @Nullable Integer receiveMaximum;

	/**
	 * Return the server URIs in failover order.
	 * @return the server URIs
	 */
	public List<String> getServerUris() {
		return this.serverUris;
	}

	/**
	 * Set the server URIs in failover order.
	 * @param serverUris the URIs
	 */
	public void setServerUris(List<String> serverUris) {
		this.serverUris = new ArrayList<>(serverUris);
	}

	/**
	 * Return the client id.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

	/**
	 * Set the client id.
	 * @param clientId the client id
	 */
	public void setClientId(String clientId) {
		this.clientId = clientId;
	}

	/**
	 * Return the user name.
	 * @return the user name
	 */
	public @Nullable String getUsername() {
		return this.username;
	}

	/**
	 * Set the user name.
	 * @param username the user name
	 */
	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	/**
	 * Return the password.
	 * @return the password
	 */
	public char @Nullable [] getPassword() {
		return this.password;
	}

	/**
	 * Set the password.
	 * @param password the password
	 */
	public void setPassword(char @Nullable [] password) {
		this.password = password;
	}

	/**
	 * Return the protocol version.
	 * @return the version
	 */
	public MqttVersion getVersion() {
		return this.version;
	}

	/**
	 * Set the protocol version.
	 * @param version the version
	 */
	public void setVersion(MqttVersion version) {
		this.version = version;
	}

	/**
	 * Return the keep-alive interval.
	 * @return the keep-alive
	 */
	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	/**
	 * Set the keep-alive interval.
	 * @param keepAlive the keep-alive
	 */
	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	/**
	 * Return the connection timeout.
	 * @return the timeout
	 */
	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	/**
	 * Set the connection timeout.
	 * @param connectionTimeout the timeout
	 */
	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	/**
	 * Return whether to start a clean session.
	 * @return whether clean start
	 */
	public boolean isCleanStart() {
		return this.cleanStart;
	}

	/**
	 * Set whether to start a clean session.
	 * @param cleanStart whether clean start
	 */
	public void setCleanStart(boolean cleanStart) {
		this.cleanStart = cleanStart;
	}

	/**
	 * Return the MQTT 5 session expiry interval.
	 * @return the session expiry
	 */
	public Duration getSessionExpiry() {
		return this.sessionExpiry;
	}

	/**
	 * Set the MQTT 5 session expiry interval.
	 * @param sessionExpiry the session expiry
	 */
	public void setSessionExpiry(Duration sessionExpiry) {
		this.sessionExpiry = sessionExpiry;
	}

	/**
	 * Return whether to reconnect automatically.
	 * @return whether to reconnect
	 */
	public boolean isAutomaticReconnect() {
		return this.automaticReconnect;
	}

	/**
	 * Set whether to reconnect automatically.
	 * @param automaticReconnect whether to reconnect
	 */
	public void setAutomaticReconnect(boolean automaticReconnect) {
		this.automaticReconnect = automaticReconnect;
	}

	/**
	 * Return the first reconnect delay.
	 * @return the delay
	 */
	public Duration getReconnectMinDelay() {
		return this.reconnectMinDelay;
	}

	/**
	 * Set the first reconnect delay.
	 * @param reconnectMinDelay the delay
	 */
	public void setReconnectMinDelay(Duration reconnectMinDelay) {
		this.reconnectMinDelay = reconnectMinDelay;
	}

	/**
	 * Return the longest reconnect delay.
	 * @return the delay
	 */
	public Duration getReconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	/**
	 * Set the longest reconnect delay.
	 * @param reconnectMaxDelay the delay
	 */
	public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
		this.reconnectMaxDelay = reconnectMaxDelay;
	}

	/**
	 * Return the maximum number of unacknowledged publishes.
	 * @return the in-flight window
	 */
	public int getMaxInflight() {
		return this.maxInflight;
	}

	/**
	 * Set the maximum number of unacknowledged publishes.
	 * @param maxInflight the in-flight window
	 */
	public void setMaxInflight(int maxInflight) {
		this.maxInflight = maxInflight;
	}

	/**
	 * Return how many publishes are buffered while disconnected.
	 * @return the buffer size
	 */
	public int getOfflineBufferSize() {
		return this.offlineBufferSize;
	}

	/**
	 * Set how many publishes are buffered while disconnected.
	 * @param offlineBufferSize the buffer size
	 */
	public void setOfflineBufferSize(int offlineBufferSize) {
		this.offlineBufferSize = offlineBufferSize;
	}

	/**
	 * Return the provider asked for credentials before every connection attempt.
	 * @return the provider; {@code null} to use the user name and password of these settings
	 */
	public @Nullable MqttCredentialsProvider getCredentialsProvider() {
		return this.credentialsProvider;
	}

	/**
	 * Set the provider asked for credentials before every connection attempt; it takes
	 * precedence over the user name and password of these settings.
	 * @param credentialsProvider the provider, or {@code null}
	 */
	public void setCredentialsProvider(@Nullable MqttCredentialsProvider credentialsProvider) {
		this.credentialsProvider = credentialsProvider;
	}

	/**
	 * Return the MQTT 5 enhanced authentication of every connection attempt.
	 * @return the authenticator, or {@code null} for none
	 */
	public @Nullable MqttEnhancedAuthenticator getEnhancedAuthenticator() {
		return this.enhancedAuthenticator;
	}

	/**
	 * Set the MQTT 5 enhanced authentication of every connection attempt; it needs MQTT 5
	 * and the HiveMQ client library.
	 * @param enhancedAuthenticator the authenticator, or {@code null} for none
	 */
	public void setEnhancedAuthenticator(@Nullable MqttEnhancedAuthenticator enhancedAuthenticator) {
		this.enhancedAuthenticator = enhancedAuthenticator;
	}

	/**
	 * Return how long before expiring credentials the connection reconnects with fresh ones.
	 * @return the margin
	 */
	public Duration getCredentialsRenewalMargin() {
		return this.credentialsRenewalMargin;
	}

	/**
	 * Set how long before expiring credentials the connection reconnects with fresh ones.
	 * @param credentialsRenewalMargin the margin
	 */
	public void setCredentialsRenewalMargin(Duration credentialsRenewalMargin) {
		this.credentialsRenewalMargin = credentialsRenewalMargin;
	}

	/**
	 * Return the directory of the durable outbox.
	 * @return the directory; {@code null} when the outbox is off
	 */
	public @Nullable Path getOutboxDirectory() {
		return this.outboxDirectory;
	}

	/**
	 * Set the directory of the durable outbox, used by this connection alone; {@code null}
	 * turns the outbox off.
	 * @param outboxDirectory the directory
	 */
	public void setOutboxDirectory(@Nullable Path outboxDirectory) {
		this.outboxDirectory = outboxDirectory;
	}

	/**
	 * Return the bound of the unacknowledged publishes kept in the outbox, in bytes.
	 * @return the bound
	 */
	public long getOutboxMaxSize() {
		return this.outboxMaxSize;
	}

	/**
	 * Set the bound of the unacknowledged publishes kept in the outbox, in bytes.
	 * @param outboxMaxSize the bound
	 */
	public void setOutboxMaxSize(long outboxMaxSize) {
		this.outboxMaxSize = outboxMaxSize;
	}

	/**
	 * Return how often the outbox is forced to the disk; zero forces every write.
	 * @return the interval
	 */
	public Duration getOutboxSyncInterval() {
		return this.outboxSyncInterval;
	}

	/**
	 * Set how often the outbox is forced to the disk; zero forces every write.
	 * @param outboxSyncInterval the interval
	 */
	public void setOutboxSyncInterval(Duration outboxSyncInterval) {
		this.outboxSyncInterval = outboxSyncInterval;
	}

	/**
	 * Return the limit of the offline buffer in bytes (payload and topic of each publish).
	 * @return the limit in bytes; 0 for no buffering
	 */
	public long getOfflineBufferMemory() {
		return this.offlineBufferMemory;
	}

	/**
	 * Set the limit of the offline buffer in bytes (payload and topic of each publish).
	 * @param offlineBufferMemory the limit in bytes; 0 for no buffering
	 */
	public void setOfflineBufferMemory(long offlineBufferMemory) {
		this.offlineBufferMemory = offlineBufferMemory;
	}

	/**
	 * Return how long a publish waits for room in the full offline buffer before it fails.
	 * @return the maximum wait
	 */
	public Duration getPublishMaxBlock() {
		return this.publishMaxBlock;
	}

	/**
	 * Set how long a publish waits for room in the full offline buffer before it fails
	 * (never on a client-library thread, which does not wait).
	 * @param publishMaxBlock the maximum wait
	 */
	public void setPublishMaxBlock(Duration publishMaxBlock) {
		this.publishMaxBlock = publishMaxBlock;
	}

	/**
	 * Return the template's acknowledgement timeout (mqtt.template.timeout).
	 * @return the timeout
	 */
	public Duration getPublishTimeout() {
		return this.publishTimeout;
	}

	/**
	 * Set the template's acknowledgement timeout (mqtt.template.timeout).
	 * @param publishTimeout the timeout
	 */
	public void setPublishTimeout(Duration publishTimeout) {
		this.publishTimeout = publishTimeout;
	}

	/**
	 * Return how long a graceful disconnect may take.
	 * @return the timeout
	 */
	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * Set how long a graceful disconnect may take.
	 * @param shutdownTimeout the timeout
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Return whether start-up fails when the first connection fails.
	 * @return whether to fail fast
	 */
	public boolean isFailFast() {
		return this.failFast;
	}

	/**
	 * Set whether start-up fails when the first connection fails.
	 * @param failFast whether to fail fast
	 */
	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	/**
	 * Return the highest QoS to use, whatever the broker announces.
	 * @return the maximum QoS
	 */
	public int getMaxQos() {
		return this.maxQos;
	}

	/**
	 * Set the highest QoS to use.
	 * @param maxQos the maximum QoS
	 */
	public void setMaxQos(int maxQos) {
		this.maxQos = maxQos;
	}

	/**
	 * Return the largest packet to send, whatever the broker announces.
	 * @return the maximum packet size in bytes
	 */
	public long getMaxPacketSize() {
		return this.maxPacketSize;
	}

	/**
	 * Set the largest packet to send.
	 * @param maxPacketSize the maximum packet size in bytes
	 */
	public void setMaxPacketSize(long maxPacketSize) {
		this.maxPacketSize = maxPacketSize;
	}

	/**
	 * Return the Last Will.
	 * @return the will or {@code null}
	 */
	public @Nullable Will getWill() {
		return this.will;
	}

	/**
	 * Set the Last Will.
	 * @param will the will
	 */
	public void setWill(@Nullable Will will) {
		this.will = will;
	}

	/**
	 * Return the socket factory (TLS from an SSL bundle, or plain).
	 * @return the socket factory or {@code null} for the default
	 */
	public @Nullable SocketFactory getSocketFactory() {
		return this.socketFactory;
	}

	/**
	 * Set the socket factory.
	 * @param socketFactory the socket factory
	 */
	public void setSocketFactory(@Nullable SocketFactory socketFactory) {
		this.socketFactory = socketFactory;
	}

	/**
	 * Return the trust managers for TLS, for client libraries that take them instead of a
	 * socket factory (HiveMQ); set from the SSL bundle together with the socket factory.
	 * @return the trust manager factory or {@code null} for the JVM's default trust
	 */
	public @Nullable TrustManagerFactory getTrustManagerFactory() {
		return this.trustManagerFactory;
	}

	/**
	 * Set the trust managers for TLS.
	 * @param trustManagerFactory the trust manager factory
	 */
	public void setTrustManagerFactory(@Nullable TrustManagerFactory trustManagerFactory) {
		this.trustManagerFactory = trustManagerFactory;
	}

	/**
	 * Return the key managers for TLS client authentication, for client libraries that take
	 * them instead of a socket factory (HiveMQ); set from the SSL bundle.
	 * @return the key manager factory or {@code null} for no client certificate
	 */
	public @Nullable KeyManagerFactory getKeyManagerFactory() {
		return this.keyManagerFactory;
	}

	/**
	 * Set the key managers for TLS client authentication.
	 * @param keyManagerFactory the key manager factory
	 */
	public void setKeyManagerFactory(@Nullable KeyManagerFactory keyManagerFactory) {
		this.keyManagerFactory = keyManagerFactory;
	}

	/**
	 * Return whether TLS verifies the server's host name.
	 * @return whether hostname verification is on
	 */
	public boolean isHostnameVerification() {
		return this.hostnameVerification;
	}

	/**
	 * Set whether TLS verifies the server's host name.
	 * @param hostnameVerification whether hostname verification is on
	 */
	public void setHostnameVerification(boolean hostnameVerification) {
		this.hostnameVerification = hostnameVerification;
	}

	/**
	 * Return the TLS application protocols (ALPN) offered in the handshake, e.g.
	 * {@code x-amzn-mqtt-ca} for AWS IoT Core on port 443; applied by the Paho backend
	 * only (the HiveMQ client cannot offer them).
	 * @return the protocols, empty for none
	 */
	public List<String> getApplicationProtocols() {
		return this.applicationProtocols;
	}

	/**
	 * Set the TLS application protocols (ALPN) offered in the handshake.
	 * @param applicationProtocols the protocols, empty for none
	 */
	public void setApplicationProtocols(List<String> applicationProtocols) {
		this.applicationProtocols = List.copyOf(applicationProtocols);
	}

	/**
	 * Return where in-flight messages are kept.
	 * @return the persistence
	 */
	public Persistence getPersistence() {
		return this.persistence;
	}

	/**
	 * Set where in-flight messages are kept.
	 * @param persistence the persistence
	 */
	public void setPersistence(Persistence persistence) {
		this.persistence = persistence;
	}

	/**
	 * Return the directory for file persistence.
	 * @return the directory
	 */
	public @Nullable Path getPersistenceDirectory() {
		return this.persistenceDirectory;
	}

	/**
	 * Set the directory for file persistence.
	 * @param persistenceDirectory the directory
	 */
	public void setPersistenceDirectory(@Nullable Path persistenceDirectory) {
		this.persistenceDirectory = persistenceDirectory;
	}

	/**
	 * Return the largest incoming packet to accept: announced to MQTT 5 brokers in
	 * CONNECT; a larger message that arrives anyway is dropped before conversion.
	 * @return the size in bytes
	 */
	public long getMaxInboundPacketSize() {
		return this.maxInboundPacketSize;
	}

	/**
	 * Set the largest incoming packet to accept.
	 * @param maxInboundPacketSize the size in bytes, at most
	 * {@link MqttBrokerLimits#PROTOCOL_MAXIMUM_PACKET_SIZE}
	 */
	public void setMaxInboundPacketSize(long maxInboundPacketSize) {
		this.maxInboundPacketSize = maxInboundPacketSize;
	}

	/**
	 * Return the MQTT 5 receive maximum announced to the broker.
	 * @return the receive maximum or {@code null} for the client default
	 */
	public @Nullable Integer getReceiveMaximum() {
		return this.receiveMaximum;
	}

	/**
	 * Set the MQTT 5 receive maximum announced to the broker.
	 * @param receiveMaximum the receive maximum
	 */
	public void setReceiveMaximum(@Nullable Integer receiveMaximum) {
		this.receiveMaximum = receiveMaximum;
	}

	@Override
	public String toString() {
		return "MqttConnectionSettings{serverUris=" + this.serverUris + ", clientId=" + this.clientId + ", username="
				+ this.username + ", password=" + ((this.password != null) ? "******" : null) + ", version=" + this.version
				+ ", keepAlive=" + this.keepAlive + ", cleanStart=" + this.cleanStart + ", sessionExpiry=" + this.sessionExpiry
				+ ", persistence=" + this.persistence + "}";
	}

	/**
	 * Where in-flight QoS 1/2 messages are kept.
	 */
	public enum Persistence {

		/**
		 * In memory: lost when the application stops.
		 */
		MEMORY,

		/**
		 * In files: survive an application restart.
		 */
		FILE

	}

	/**
	 * The Last Will the broker publishes when the connection is lost abnormally.
	 *
	 * @param topic the topic
	 * @param payload the payload
	 * @param qos the QoS
	 * @param retain whether the will is retained
	 */
	public record Will(String topic, byte[] payload, int qos, boolean retain) {

		/**
		 * Create a will; the topic and QoS are validated.
		 * @param topic the topic
		 * @param payload the payload
		 * @param qos the QoS
		 * @param retain whether the will is retained
		 */
		public Will {
			MqttTopics.validateTopicName(topic);
			MqttQos.validate(qos, "Will QoS");
		}

	}

}
