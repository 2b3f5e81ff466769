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
 * Each setter sets the value its getter describes.
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

	public void setOfflineBufferSize(int offlineBufferSize) {
		this.offlineBufferSize = offlineBufferSize;
	}

	/**
	 * Return the provider asked for credentials before every connection attempt; it takes
	 * precedence over the user name and password of these settings.
	 * @return the provider; {@code null} to use the user name and password of these settings
	 */
	public @Nullable MqttCredentialsProvider getCredentialsProvider() {
		return this.credentialsProvider;
	}

	public void setCredentialsProvider(@Nullable MqttCredentialsProvider credentialsProvider) {
		this.credentialsProvider = credentialsProvider;
	}

	/**
	 * Return the MQTT 5 enhanced authentication of every connection attempt; it needs MQTT 5
	 * and the HiveMQ client library.
	 * @return the authenticator, or {@code null} for none
	 */
	public @Nullable MqttEnhancedAuthenticator getEnhancedAuthenticator() {
		return this.enhancedAuthenticator;
	}

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

	public void setCredentialsRenewalMargin(Duration credentialsRenewalMargin) {
		this.credentialsRenewalMargin = credentialsRenewalMargin;
	}

	/**
	 * Return the directory of the durable outbox, used by this connection alone.
	 * @return the directory; {@code null} when the outbox is off
	 */
	public @Nullable Path getOutboxDirectory() {
		return this.outboxDirectory;
	}

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

	public void setOfflineBufferMemory(long offlineBufferMemory) {
		this.offlineBufferMemory = offlineBufferMemory;
	}

	/**
	 * Return how long a publish waits for room in the full offline buffer before it fails
	 * (never on a client-library thread, which does not wait).
	 * @return the maximum wait
	 */
	public Duration getPublishMaxBlock() {
		return this.publishMaxBlock;
	}

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

	public void setPersistenceDirectory(@Nullable Path persistenceDirectory) {
		this.persistenceDirectory = persistenceDirectory;
	}

	/**
	 * Return the largest incoming packet to accept: announced to MQTT 5 brokers in
	 * CONNECT; a larger message that arrives anyway is dropped before conversion.
	 * @return the size in bytes, at most {@link MqttBrokerLimits#PROTOCOL_MAXIMUM_PACKET_SIZE}
	 */
	public long getMaxInboundPacketSize() {
		return this.maxInboundPacketSize;
	}

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
	 * The Last Will the broker publishes when the connection is lost abnormally; the topic
	 * and QoS are validated on creation.
	 *
	 * @param topic the topic
	 * @param payload the payload
	 * @param qos the QoS
	 * @param retain whether the will is retained
	 */
	public record Will(String topic, byte[] payload, int qos, boolean retain) {

		public Will {
			MqttTopics.validateTopicName(topic);
			MqttQos.validate(qos, "Will QoS");
		}

	}

}
