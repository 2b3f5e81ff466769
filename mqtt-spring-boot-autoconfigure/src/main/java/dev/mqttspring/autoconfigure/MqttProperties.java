package dev.mqttspring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

import dev.mqttspring.core.MqttRetainHandling;
import dev.mqttspring.listener.MqttAckMode;

/**
 * Configuration properties for MQTT, bound to {@code mqtt.*}.
 *
 * @author mqtt-spring-boot
 */
@ConfigurationProperties("mqtt")
public class MqttProperties {

	/**
	 * Broker URL, or a comma-separated list tried in order for failover. Schemes: tcp://,
	 * ssl://, ws://, wss://. When unset and the embedded broker is on the classpath, the
	 * embedded broker is used; otherwise tcp://localhost:1883.
	 */
	private @Nullable String url;

	/**
	 * Client identifier. Defaults to the application name plus a random suffix, so that two
	 * instances never take over each other's session.
	 */
	private @Nullable String clientId;

	/**
	 * Login user name.
	 */
	private @Nullable String username;

	/**
	 * Login password.
	 */
	private @Nullable String password;

	/**
	 * MQTT protocol version: 5 or 3.1.1.
	 */
	private String version = "5";

	/**
	 * MQTT client library behind the connection: hivemq (HiveMQ MQTT client,
	 * com.hivemq:hivemq-mqtt-client, brought by the starter) or paho (Eclipse Paho, opt-in:
	 * add org.eclipse.paho:org.eclipse.paho.mqttv5.client and
	 * org.eclipse.paho:org.eclipse.paho.client.mqttv3). With hivemq, QoS 1 and 2 messages
	 * are acknowledged to the broker in arrival order, by default once the listeners queued
	 * them (see mqtt.listener.ack-mode); with paho, QoS 1 messages after processing and QoS
	 * 2 messages (PUBREC) on receipt.
	 */
	private ClientLibrary clientLibrary = ClientLibrary.HIVEMQ;

	/**
	 * Keep-alive interval: the client pings the broker when idle for this long and drops
	 * the connection when nothing arrived from the broker for 1.5 times this long. MQTT
	 * carries whole seconds: a value without a unit is in seconds; 0 turns keep-alive off,
	 * otherwise 1s to 65535s.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration keepAlive = Duration.ofSeconds(60);

	/**
	 * Time to wait for a connection to be established, per broker URL. A value without a
	 * unit is in milliseconds.
	 */
	private Duration connectionTimeout = Duration.ofSeconds(10);

	/**
	 * Whether to start with a clean session (MQTT 5 clean start, MQTT 3.1.1 clean session).
	 * Set to false, with a fixed client-id and a session-expiry, to keep subscriptions and
	 * queued messages across reconnects and restarts.
	 */
	private boolean cleanStart = true;

	/**
	 * MQTT 5 session expiry interval: how long the broker keeps the session after the
	 * connection closes. 0 ends the session with the connection. MQTT carries whole
	 * seconds: a value without a unit is in seconds; at most 4294967295s.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration sessionExpiry = Duration.ZERO;

	/**
	 * Whether to reconnect automatically, with exponential back-off, after the connection
	 * is lost or an attempt fails.
	 */
	private boolean automaticReconnect = true;

	/**
	 * Delay before the second reconnect attempt after a connection loss (the first is
	 * immediate) and before the first after a failed connect; it doubles after each failed
	 * attempt, up to max-reconnect-delay, less up to 20% random jitter. A value without a
	 * unit is in milliseconds.
	 */
	private Duration reconnectDelay = Duration.ofSeconds(1);

	/**
	 * Longest delay between reconnect attempts. A value without a unit is in milliseconds.
	 */
	private Duration maxReconnectDelay = Duration.ofSeconds(30);

	/**
	 * Maximum number of QoS 1/2 publishes awaiting acknowledgement; further publishes wait
	 * for a free slot. MQTT 5 brokers may announce a lower receive maximum, which wins; on
	 * MQTT 3.1.1, which cannot announce it, at most 20 (mosquitto's default limit).
	 */
	private int maxInflight = 1000;

	/**
	 * Maximum number of publishes buffered while disconnected (and while the backlog is
	 * sent after a reconnect), a second limit next to offline-buffer-memory that bounds
	 * the per-message overhead of small messages; when either is reached, a publish waits
	 * up to mqtt.template.max-block for room. 0 disables buffering.
	 */
	private int offlineBufferSize = 100_000;

	/**
	 * Maximum bytes (payload plus topic of each message) buffered while disconnected (and
	 * while the backlog is sent after a reconnect); when reached, a publish waits up to
	 * mqtt.template.max-block for room. 0 disables buffering.
	 */
	private DataSize offlineBufferMemory = DataSize.ofMegabytes(32);

	/**
	 * Whether start-up fails when the broker cannot be reached or refuses the connection
	 * or a subscription. When false the application starts and connects in the background.
	 */
	private boolean failFast;

	/**
	 * Highest QoS used for publishing and subscribing, for brokers that refuse QoS 2 (AWS
	 * IoT, Azure IoT Hub). The broker's announced maximum applies too.
	 */
	private int maxQos = 2;

	/**
	 * Largest packet to send. The broker's announced maximum applies too.
	 */
	private @Nullable DataSize maxPacketSize;

	/**
	 * Largest incoming packet to accept. Announced to MQTT 5 brokers in CONNECT (Maximum
	 * Packet Size), which then discard larger messages for this client; a larger message
	 * that arrives anyway (MQTT 3.1.1, or a broker that ignores the announcement) is
	 * dropped before it is converted, counted (mqtt.listener.dropped, reason too-large)
	 * and logged with its topic and size, and the connection stays up. The default keeps a
	 * full listener queue (mqtt.listener.queue-memory) plus the copies the client library
	 * makes of the largest message within a small part of a 256MB heap.
	 */
	private DataSize maxInboundPacketSize = DataSize.ofMegabytes(4);

	/**
	 * Maximum time to wait for a graceful disconnect on shutdown. A value without a unit
	 * is in milliseconds.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(2);

	/**
	 * How long before credentials from an MqttCredentialsProvider expire the connection
	 * reconnects gracefully with fresh ones (at the latest halfway through their remaining
	 * life). A value without a unit is in milliseconds.
	 */
	private Duration credentialsRenewalMargin = Duration.ofMinutes(1);

	/**
	 * TLS settings.
	 */
	private final Ssl ssl = new Ssl();

	/**
	 * Last Will settings.
	 */
	private final Will will = new Will();

	/**
	 * Persistence of in-flight messages.
	 */
	private final Persistence persistence = new Persistence();

	/**
	 * Durable outbox: unacknowledged QoS 1/2 publishes survive an application crash.
	 */
	private final Outbox outbox = new Outbox();

	/**
	 * Defaults for publishing with MqttTemplate.
	 */
	private final Template template = new Template();

	/**
	 * Defaults for @MqttSubscribe listeners.
	 */
	private final Listener listener = new Listener();

	/**
	 * In-process broker for development and tests.
	 */
	private final Embedded embedded = new Embedded();

	/**
	 * Further named connections, e.g. mqtt.connections.cloud.url, each taking every key of
	 * mqtt.* and inheriting the value of mqtt.* for a key it does not set. Names: lowercase
	 * letters, digits and '-', starting with a letter; 'default' is the mqtt.* connection.
	 */
	private final Map<String, MqttProperties> connections = new LinkedHashMap<>();

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public ClientLibrary getClientLibrary() {
		return this.clientLibrary;
	}

	public void setClientLibrary(ClientLibrary clientLibrary) {
		this.clientLibrary = clientLibrary;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	public boolean isCleanStart() {
		return this.cleanStart;
	}

	public void setCleanStart(boolean cleanStart) {
		this.cleanStart = cleanStart;
	}

	public Duration getSessionExpiry() {
		return this.sessionExpiry;
	}

	public void setSessionExpiry(Duration sessionExpiry) {
		this.sessionExpiry = sessionExpiry;
	}

	public boolean isAutomaticReconnect() {
		return this.automaticReconnect;
	}

	public void setAutomaticReconnect(boolean automaticReconnect) {
		this.automaticReconnect = automaticReconnect;
	}

	public Duration getReconnectDelay() {
		return this.reconnectDelay;
	}

	public void setReconnectDelay(Duration reconnectDelay) {
		this.reconnectDelay = reconnectDelay;
	}

	public Duration getMaxReconnectDelay() {
		return this.maxReconnectDelay;
	}

	public void setMaxReconnectDelay(Duration maxReconnectDelay) {
		this.maxReconnectDelay = maxReconnectDelay;
	}

	public int getMaxInflight() {
		return this.maxInflight;
	}

	public void setMaxInflight(int maxInflight) {
		this.maxInflight = maxInflight;
	}

	public int getOfflineBufferSize() {
		return this.offlineBufferSize;
	}

	public void setOfflineBufferSize(int offlineBufferSize) {
		this.offlineBufferSize = offlineBufferSize;
	}

	public DataSize getOfflineBufferMemory() {
		return this.offlineBufferMemory;
	}

	public void setOfflineBufferMemory(DataSize offlineBufferMemory) {
		this.offlineBufferMemory = offlineBufferMemory;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public int getMaxQos() {
		return this.maxQos;
	}

	public void setMaxQos(int maxQos) {
		this.maxQos = maxQos;
	}

	public @Nullable DataSize getMaxPacketSize() {
		return this.maxPacketSize;
	}

	public void setMaxPacketSize(@Nullable DataSize maxPacketSize) {
		this.maxPacketSize = maxPacketSize;
	}

	public DataSize getMaxInboundPacketSize() {
		return this.maxInboundPacketSize;
	}

	public void setMaxInboundPacketSize(DataSize maxInboundPacketSize) {
		this.maxInboundPacketSize = maxInboundPacketSize;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getCredentialsRenewalMargin() {
		return this.credentialsRenewalMargin;
	}

	public void setCredentialsRenewalMargin(Duration credentialsRenewalMargin) {
		this.credentialsRenewalMargin = credentialsRenewalMargin;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Will getWill() {
		return this.will;
	}

	public Persistence getPersistence() {
		return this.persistence;
	}

	public Template getTemplate() {
		return this.template;
	}

	public Listener getListener() {
		return this.listener;
	}

	public Embedded getEmbedded() {
		return this.embedded;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	/**
	 * Return the named connections as written, without the values they inherit from
	 * {@code mqtt.*}.
	 * @return the named connections by name
	 */
	public Map<String, MqttProperties> getConnections() {
		return this.connections;
	}

	@Override
	public String toString() {
		return "MqttProperties{url=" + this.url + ", clientId=" + this.clientId + ", username=" + this.username
				+ ", password=" + ((this.password != null) ? "******" : null) + ", version=" + this.version + "}";
	}

	/**
	 * MQTT client libraries the connection can use.
	 */
	public enum ClientLibrary {

		/**
		 * Eclipse Paho ({@code org.eclipse.paho.mqttv5.client} and
		 * {@code org.eclipse.paho.client.mqttv3}).
		 */
		PAHO,

		/**
		 * HiveMQ MQTT client ({@code com.hivemq:hivemq-mqtt-client}).
		 */
		HIVEMQ

	}

	/**
	 * TLS properties.
	 */
	public static class Ssl {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) that provides the trust
		 * store and, for mutual TLS, the client key store.
		 */
		private @Nullable String bundle;

		/**
		 * Whether to verify that the broker's certificate matches its host name.
		 */
		private boolean hostnameVerification = true;

		/**
		 * TLS application protocols (ALPN) to offer in the handshake, e.g. x-amzn-mqtt-ca for
		 * AWS IoT Core with a client certificate on port 443. Paho client library only: the
		 * HiveMQ client cannot offer them, so start-up fails with it.
		 */
		private List<String> applicationProtocols = new ArrayList<>();

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public boolean isHostnameVerification() {
			return this.hostnameVerification;
		}

		public void setHostnameVerification(boolean hostnameVerification) {
			this.hostnameVerification = hostnameVerification;
		}

		public List<String> getApplicationProtocols() {
			return this.applicationProtocols;
		}

		public void setApplicationProtocols(List<String> applicationProtocols) {
			this.applicationProtocols = applicationProtocols;
		}

	}

	/**
	 * Last Will properties: the message the broker publishes when the connection is lost
	 * abnormally (never on a graceful shutdown).
	 */
	public static class Will {

		/**
		 * Topic of the Last Will; no Will is set when empty.
		 */
		private @Nullable String topic;

		/**
		 * Payload of the Last Will, as UTF-8 text.
		 */
		private String payload = "";

		/**
		 * QoS of the Last Will.
		 */
		private int qos = 1;

		/**
		 * Whether the broker retains the Last Will.
		 */
		private boolean retain;

		public @Nullable String getTopic() {
			return this.topic;
		}

		public void setTopic(@Nullable String topic) {
			this.topic = topic;
		}

		public String getPayload() {
			return this.payload;
		}

		public void setPayload(String payload) {
			this.payload = payload;
		}

		public int getQos() {
			return this.qos;
		}

		public void setQos(int qos) {
			this.qos = qos;
		}

		public boolean isRetain() {
			return this.retain;
		}

		public void setRetain(boolean retain) {
			this.retain = retain;
		}

	}

	/**
	 * Persistence properties for in-flight QoS 1/2 messages.
	 */
	public static class Persistence {

		/**
		 * Where in-flight messages are kept: memory, or file to survive an application
		 * restart (Paho client only, where it also keeps QoS 2 messages a listener had not
		 * finished; the HiveMQ client refuses file at start-up).
		 */
		private Type type = Type.MEMORY;

		/**
		 * Directory for file persistence; one sub-directory per client id. Defaults to a
		 * directory under java.io.tmpdir.
		 */
		private @Nullable Path directory;

		public Type getType() {
			return this.type;
		}

		public void setType(Type type) {
			this.type = type;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		/**
		 * Persistence types.
		 */
		public enum Type {

			/**
			 * Keep in-flight messages in memory.
			 */
			MEMORY,

			/**
			 * Keep in-flight messages in files.
			 */
			FILE

		}

	}

	/**
	 * Durable outbox properties.
	 */
	public static class Outbox {

		/**
		 * Whether QoS 1/2 publishes are written to a file before they are sent and removed
		 * when their future completes, so that those not acknowledged when the application
		 * died are sent again at the next start (at least once).
		 */
		private boolean enabled;

		/**
		 * Directory of the outbox, used by this connection alone; it must survive a restart
		 * of the application (not a tmpfs). Required when the outbox is enabled.
		 */
		private @Nullable Path directory;

		/**
		 * Bound of the unacknowledged publishes kept in the outbox (records of topic,
		 * payload and properties); a publish that would exceed it fails at once.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(256);

		/**
		 * How often the outbox file is forced to the disk. Writes reach the operating
		 * system at once, so a crash of the application loses nothing; a power failure
		 * loses at most this interval. 0 forces every write (much slower).
		 */
		private Duration syncInterval = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getSyncInterval() {
			return this.syncInterval;
		}

		public void setSyncInterval(Duration syncInterval) {
			this.syncInterval = syncInterval;
		}

	}

	/**
	 * Defaults for publishing.
	 */
	public static class Template {

		/**
		 * QoS of publish(topic, payload).
		 */
		private int qos = 1;

		/**
		 * Whether publish(topic, payload) asks the broker to retain the message.
		 */
		private boolean retain;

		/**
		 * Maximum time from publish to the broker's acknowledgement before the future fails.
		 * A value without a unit is in milliseconds.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * Maximum time a publish waits for room when the offline buffer is full (connection
		 * down) before its future fails; the timeout counts from when the message found room.
		 * A publish on a client-library thread (a completion callback) never waits: it is
		 * buffered beyond the limits instead. A value without a unit is in milliseconds.
		 */
		private Duration maxBlock = Duration.ofSeconds(30);

		/**
		 * What to do when a publish asks for a QoS above mqtt.max-qos or the broker's
		 * maximum: fail, or downgrade with a warning.
		 */
		private QosExceeded qosExceeded = QosExceeded.FAIL;

		/**
		 * Whether to create a Micrometer observation for each publish.
		 */
		private boolean observationEnabled;

		/**
		 * Topic under which replies to request() arrive; each request gets
		 * '<reply-topic>/<uuid>' as its MQTT 5 response topic. Defaults to
		 * '<client-id>/replies'.
		 */
		private @Nullable String replyTopic;

		public int getQos() {
			return this.qos;
		}

		public void setQos(int qos) {
			this.qos = qos;
		}

		public boolean isRetain() {
			return this.retain;
		}

		public void setRetain(boolean retain) {
			this.retain = retain;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

		public QosExceeded getQosExceeded() {
			return this.qosExceeded;
		}

		public void setQosExceeded(QosExceeded qosExceeded) {
			this.qosExceeded = qosExceeded;
		}

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public @Nullable String getReplyTopic() {
			return this.replyTopic;
		}

		public void setReplyTopic(@Nullable String replyTopic) {
			this.replyTopic = replyTopic;
		}

		/**
		 * Reaction to a QoS above the allowed maximum.
		 */
		public enum QosExceeded {

			/**
			 * Fail the publish with an error naming the limit.
			 */
			FAIL,

			/**
			 * Publish with the highest allowed QoS and log a warning.
			 */
			DOWNGRADE

		}

	}

	/**
	 * Defaults for listeners.
	 */
	public static class Listener {

		/**
		 * Whether listeners start with the application.
		 */
		private boolean autoStartup = true;

		/**
		 * Messages queued per listener before acknowledgements of QoS 1/2 messages are
		 * withheld (back-pressure) and QoS 0 messages are dropped and counted
		 * (mqtt.listener.dropped, reason queue-full).
		 */
		private int queueCapacity = 1000;

		/**
		 * Bytes (payload plus topic of each message) queued per listener, a second bound next
		 * to queue-capacity: when either is reached, acknowledgements of QoS 1/2 messages are
		 * withheld (back-pressure) and QoS 0 messages, which MQTT cannot slow down, are
		 * dropped and counted (mqtt.listener.dropped, reason queue-full).
		 */
		private DataSize queueMemory = DataSize.ofMegabytes(16);

		/**
		 * Maximum time to let in-flight listener work finish on stop. A value without a unit
		 * is in milliseconds.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		/**
		 * Topic that messages are republished to after their listener failed and retries
		 * are exhausted; none when unset.
		 */
		private @Nullable String deadLetterTopic;

		/**
		 * When listeners acknowledge QoS 1/2 messages: "received" once queued (a slow
		 * listener does not hold back the others; queued messages are lost if the
		 * application dies) or "processed" after the listener finished (redelivered after a
		 * crash with a kept session). Defaults to "received" with the HiveMQ client, which
		 * acknowledges in arrival order, and "processed" with Paho.
		 */
		private @Nullable MqttAckMode ackMode;

		/**
		 * Messages each listener may process at the same time, in parallel across topics
		 * (ordering keys) and one at a time in arrival order within a topic; 1 processes
		 * all messages of a listener one at a time in arrival order. Runs on virtual
		 * threads when spring.threads.virtual.enabled is true.
		 */
		private int concurrency = 1;

		/**
		 * Whether the broker does not send listeners the messages their own connection
		 * published (MQTT 5 subscription option No Local; ignored with a warning on MQTT
		 * 3.1.1). Per listener: @MqttSubscribe(noLocal = "true").
		 */
		private boolean noLocal;

		/**
		 * Whether messages forwarded to listeners keep the retain flag they were published
		 * with; otherwise the broker clears it on messages for existing subscriptions (MQTT 5
		 * subscription option Retain As Published; ignored with a warning on MQTT 3.1.1).
		 */
		private boolean retainAsPublished;

		/**
		 * When the broker sends retained messages to a listener's subscription:
		 * "send-on-subscribe" on every SUBSCRIBE (also a repeated one, or after a reconnect
		 * without session), "send-if-new-subscription" only when the subscription is new,
		 * or "do-not-send" never (MQTT 5 subscription option Retain Handling; ignored with
		 * a warning on MQTT 3.1.1).
		 */
		private MqttRetainHandling retainHandling = MqttRetainHandling.SEND_ON_SUBSCRIBE;

		/**
		 * Whether to create a Micrometer observation for each message a listener handles.
		 */
		private boolean observationEnabled;

		/**
		 * Retry of failed listener invocations.
		 */
		private final Retry retry = new Retry();

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public DataSize getQueueMemory() {
			return this.queueMemory;
		}

		public void setQueueMemory(DataSize queueMemory) {
			this.queueMemory = queueMemory;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public @Nullable String getDeadLetterTopic() {
			return this.deadLetterTopic;
		}

		public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
			this.deadLetterTopic = deadLetterTopic;
		}

		public @Nullable MqttAckMode getAckMode() {
			return this.ackMode;
		}

		public void setAckMode(@Nullable MqttAckMode ackMode) {
			this.ackMode = ackMode;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public boolean isNoLocal() {
			return this.noLocal;
		}

		public void setNoLocal(boolean noLocal) {
			this.noLocal = noLocal;
		}

		public boolean isRetainAsPublished() {
			return this.retainAsPublished;
		}

		public void setRetainAsPublished(boolean retainAsPublished) {
			this.retainAsPublished = retainAsPublished;
		}

		public MqttRetainHandling getRetainHandling() {
			return this.retainHandling;
		}

		public void setRetainHandling(MqttRetainHandling retainHandling) {
			this.retainHandling = retainHandling;
		}

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Retry properties.
		 */
		public static class Retry {

			/**
			 * Maximum number of attempts per message, including the first; 1 disables retry.
			 */
			private int maxAttempts = 1;

			/**
			 * Delay before the first retry. A value without a unit is in milliseconds.
			 */
			private Duration initialInterval = Duration.ofMillis(100);

			/**
			 * Factor applied to the delay after each retry.
			 */
			private double multiplier = 2.0;

			/**
			 * Longest delay between retries. A value without a unit is in milliseconds.
			 */
			private Duration maxInterval = Duration.ofSeconds(5);

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getInitialInterval() {
				return this.initialInterval;
			}

			public void setInitialInterval(Duration initialInterval) {
				this.initialInterval = initialInterval;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxInterval() {
				return this.maxInterval;
			}

			public void setMaxInterval(Duration maxInterval) {
				this.maxInterval = maxInterval;
			}

		}

	}

	/**
	 * Embedded broker properties.
	 */
	public static class Embedded {

		/**
		 * Whether to start an in-process HiveMQ CE broker. By default it starts when no
		 * mqtt.url is set and mqtt-spring-boot-embedded-broker is on the classpath.
		 */
		private @Nullable Boolean enabled;

		/**
		 * TCP port of the embedded broker on 127.0.0.1; 0 picks a free port.
		 */
		private int port;

		/**
		 * WebSocket port of the embedded broker (path /mqtt); -1 disables it, 0 picks a free
		 * port.
		 */
		private int websocketPort = -1;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public int getWebsocketPort() {
			return this.websocketPort;
		}

		public void setWebsocketPort(int websocketPort) {
			this.websocketPort = websocketPort;
		}

	}

}
