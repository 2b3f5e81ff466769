package dev.mqttspring.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.mqttspring.client.MqttServerUris;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttVersion;

/**
 * Builds {@link MqttConnectionSettings} from properties and connection details, rejecting
 * values the connection cannot use with a message naming the property, the value and the
 * rule.
 */
final class MqttSettingsFactory {

	private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

	private MqttSettingsFactory() {
	}

	static MqttConnectionSettings create(MqttProperties properties, MqttConnectionDetails details,
			@Nullable Environment environment) {
		validate(properties);
		MqttConnectionSettings settings = new MqttConnectionSettings();
		List<String> uris = details.getServerUris();
		boolean tls = validateUris(uris);
		settings.setServerUris(uris);
		settings.setClientId(clientId(properties, environment));
		settings.setUsername(details.getUsername());
		String password = details.getPassword();
		settings.setPassword((password != null) ? password.toCharArray() : null);
		settings.setVersion(version(properties.getVersion()));
		settings.setKeepAlive(properties.getKeepAlive());
		settings.setConnectionTimeout(properties.getConnectionTimeout());
		settings.setCleanStart(properties.isCleanStart());
		settings.setSessionExpiry(properties.getSessionExpiry());
		settings.setAutomaticReconnect(properties.isAutomaticReconnect());
		settings.setReconnectMinDelay(properties.getReconnectDelay());
		settings.setReconnectMaxDelay(properties.getMaxReconnectDelay());
		settings.setMaxInflight(properties.getMaxInflight());
		settings.setOfflineBufferSize(properties.getOfflineBufferSize());
		settings.setPublishTimeout(properties.getTemplate().getTimeout());
		settings.setPublishMaxBlock(properties.getTemplate().getMaxBlock());
		settings.setOfflineBufferMemory(properties.getOfflineBufferMemory().toBytes());
		settings.setShutdownTimeout(properties.getShutdownTimeout());
		settings.setCredentialsRenewalMargin(properties.getCredentialsRenewalMargin());
		if (properties.getOutbox().isEnabled()) {
			settings.setOutboxDirectory(properties.getOutbox().getDirectory());
			settings.setOutboxMaxSize(properties.getOutbox().getMaxSize().toBytes());
			settings.setOutboxSyncInterval(properties.getOutbox().getSyncInterval());
		}
		settings.setFailFast(properties.isFailFast());
		settings.setMaxQos(properties.getMaxQos());
		if (properties.getMaxPacketSize() != null) {
			settings.setMaxPacketSize(properties.getMaxPacketSize().toBytes());
		}
		settings.setMaxInboundPacketSize(properties.getMaxInboundPacketSize().toBytes());
		settings.setHostnameVerification(properties.getSsl().isHostnameVerification());
		settings.setApplicationProtocols(applicationProtocols(properties, uris, tls));
		SslBundle bundle = details.getSslBundle();
		if (bundle != null) {
			if (!tls) {
				throw new InvalidConfigurationPropertyValueException("mqtt.url", String.join(",", uris),
						"an SSL bundle is configured (mqtt.ssl.bundle) but the URL does not use TLS; use ssl:// or wss://");
			}
			SSLContext context = bundle.createSslContext();
			settings.setSocketFactory(context.getSocketFactory());
			settings.setTrustManagerFactory(bundle.getManagers().getTrustManagerFactory());
			if (bundle.getStores().getKeyStore() != null) {
				settings.setKeyManagerFactory(bundle.getManagers().getKeyManagerFactory());
			}
		}
		MqttProperties.Will will = properties.getWill();
		if (StringUtils.hasText(will.getTopic())) {
			settings.setWill(new MqttConnectionSettings.Will(will.getTopic(),
					will.getPayload().getBytes(StandardCharsets.UTF_8), will.getQos(), will.isRetain()));
		}
		settings.setPersistence((properties.getPersistence().getType() == MqttProperties.Persistence.Type.FILE)
				? MqttConnectionSettings.Persistence.FILE : MqttConnectionSettings.Persistence.MEMORY);
		settings.setPersistenceDirectory(properties.getPersistence().getDirectory());
		return settings;
	}

	static MqttVersion version(String value) {
		try {
			return MqttVersion.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("mqtt.version", value, "use 5 (MQTT 5.0, the default) or 3.1.1");
		}
	}

	private static String clientId(MqttProperties properties, @Nullable Environment environment) {
		if (StringUtils.hasText(properties.getClientId())) {
			return properties.getClientId();
		}
		String name = (environment != null) ? environment.getProperty("spring.application.name", "mqtt") : "mqtt";
		byte[] random = new byte[4];
		ThreadLocalRandom.current().nextBytes(random);
		return name + "-" + HexFormat.of().formatHex(random);
	}

	static void validate(MqttProperties properties) {
		MqttVersion version = version(properties.getVersion());
		nonNegative("mqtt.keep-alive", properties.getKeepAlive());
		positive("mqtt.connection-timeout", properties.getConnectionTimeout());
		nonNegative("mqtt.session-expiry", properties.getSessionExpiry());
		positive("mqtt.reconnect-delay", properties.getReconnectDelay());
		positive("mqtt.max-reconnect-delay", properties.getMaxReconnectDelay());
		nonNegative("mqtt.shutdown-timeout", properties.getShutdownTimeout());
		positive("mqtt.template.timeout", properties.getTemplate().getTimeout());
		nonNegative("mqtt.template.max-block", properties.getTemplate().getMaxBlock());
		nonNegative("mqtt.listener.shutdown-timeout", properties.getListener().getShutdownTimeout());
		protocolSeconds("mqtt.keep-alive", properties.getKeepAlive(), 65_535,
				"0 turns keep-alive off; use e.g. 60 (seconds) or 60s");
		protocolSeconds("mqtt.session-expiry", properties.getSessionExpiry(), 0xFFFFFFFFL,
				"about 136 years; use e.g. 3600 (seconds) or 1h");
		qos("mqtt.max-qos", properties.getMaxQos());
		qos("mqtt.will.qos", properties.getWill().getQos());
		qos("mqtt.template.qos", properties.getTemplate().getQos());
		if (properties.getMaxInflight() < 1 || properties.getMaxInflight() > 65_535) {
			throw new InvalidConfigurationPropertyValueException("mqtt.max-inflight", properties.getMaxInflight(),
					"use a number from 1 to 65535");
		}
		if (properties.getOfflineBufferSize() < 0) {
			throw new InvalidConfigurationPropertyValueException("mqtt.offline-buffer-size", properties.getOfflineBufferSize(),
					"use 0 (no buffering) or more");
		}
		if (properties.getOfflineBufferMemory().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("mqtt.offline-buffer-memory", properties.getOfflineBufferMemory(),
					"use 0 (no buffering) or a size such as 32MB");
		}
		if (properties.getCredentialsRenewalMargin().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("mqtt.credentials-renewal-margin",
					properties.getCredentialsRenewalMargin().toMillis() + "ms", "use 0 or a positive duration such as 1m");
		}
		MqttProperties.Outbox outbox = properties.getOutbox();
		if (outbox.isEnabled() && outbox.getDirectory() == null) {
			throw new InvalidConfigurationPropertyValueException("mqtt.outbox.directory", null, "mqtt.outbox.enabled=true needs a "
					+ "directory that survives a restart of the application, one per connection, e.g. "
					+ "mqtt.outbox.directory=/var/lib/my-app/mqtt-outbox");
		}
		if (outbox.isEnabled() && outbox.getMaxSize().toBytes() < 1024) {
			throw new InvalidConfigurationPropertyValueException("mqtt.outbox.max-size", outbox.getMaxSize(),
					"use at least 1KB, e.g. 256MB (the bound of the unacknowledged publishes kept on disk)");
		}
		if (outbox.getSyncInterval().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("mqtt.outbox.sync-interval", outbox.getSyncInterval().toMillis() + "ms",
					"use 0 (force every write to the disk) or a positive duration such as 1s");
		}
		if (properties.getListener().getQueueCapacity() < 1) {
			throw new InvalidConfigurationPropertyValueException("mqtt.listener.queue-capacity",
					properties.getListener().getQueueCapacity(), "use 1 or more");
		}
		if (properties.getListener().getConcurrency() < 1) {
			throw new InvalidConfigurationPropertyValueException("mqtt.listener.concurrency", properties.getListener().getConcurrency(),
					"use 1 (one message at a time, in arrival order) or more (in order per topic, topics in parallel)");
		}
		if (properties.getMaxPacketSize() != null && properties.getMaxPacketSize().toBytes() < 16) {
			throw new InvalidConfigurationPropertyValueException("mqtt.max-packet-size", properties.getMaxPacketSize(),
					"use a size of at least 16B, e.g. 256KB");
		}
		long inbound = properties.getMaxInboundPacketSize().toBytes();
		if (inbound < 16 || inbound > MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE) {
			throw new InvalidConfigurationPropertyValueException("mqtt.max-inbound-packet-size", properties.getMaxInboundPacketSize(),
					"use a size from 16B to 256MB (the largest MQTT packet), e.g. 4MB");
		}
		if (properties.getListener().getQueueMemory().toBytes() < 1) {
			throw new InvalidConfigurationPropertyValueException("mqtt.listener.queue-memory", properties.getListener().getQueueMemory(),
					"use a positive size such as 16MB");
		}
		String willTopic = properties.getWill().getTopic();
		if (StringUtils.hasText(willTopic)) {
			topic("mqtt.will.topic", willTopic);
		}
		String deadLetter = properties.getListener().getDeadLetterTopic();
		if (StringUtils.hasText(deadLetter)) {
			topic("mqtt.listener.dead-letter-topic", deadLetter);
		}
		if (!properties.isCleanStart()) {
			if (!StringUtils.hasText(properties.getClientId())) {
				throw new InvalidConfigurationPropertyValueException("mqtt.client-id", null,
						"a persistent session (mqtt.clean-start=false) needs a fixed client id, since a random one can never "
								+ "resume it; set mqtt.client-id to a name unique to this application instance");
			}
			if (version == MqttVersion.V5 && properties.getSessionExpiry().isZero()) {
				throw new InvalidConfigurationPropertyValueException("mqtt.session-expiry", properties.getSessionExpiry(),
						"with MQTT 5 and mqtt.clean-start=false, a session expiry of 0 makes the broker drop the session when "
								+ "the connection closes; set mqtt.session-expiry to how long the broker should keep it, e.g. 1h");
			}
		}
		if (StringUtils.hasText(properties.getUrl())) {
			validateUris(PropertiesMqttConnectionDetails.parseUrls(properties.getUrl()));
		}
	}

	/**
	 * ALPN needs TLS and a client library that can offer it: the HiveMQ client has no way
	 * to (hivemq-mqtt-client #464).
	 */
	private static List<String> applicationProtocols(MqttProperties properties, List<String> uris, boolean tls) {
		List<String> protocols = properties.getSsl().getApplicationProtocols();
		if (protocols.isEmpty()) {
			return List.of();
		}
		String value = String.join(",", protocols);
		String property = "mqtt.ssl.application-protocols";
		if (protocols.stream().anyMatch((protocol) -> !StringUtils.hasText(protocol))) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"an application protocol must not be empty; give names such as x-amzn-mqtt-ca");
		}
		if (!tls) {
			throw new InvalidConfigurationPropertyValueException(property, value, "application protocols (ALPN) are part of the TLS "
					+ "handshake but the URL does not use TLS (" + String.join(",", uris) + "); use ssl:// or wss://");
		}
		if (properties.getClientLibrary() != MqttProperties.ClientLibrary.PAHO) {
			throw new InvalidConfigurationPropertyValueException(property, value, "the HiveMQ MQTT client (mqtt.client-library=hivemq, "
					+ "the default) cannot offer TLS application protocols (ALPN, hivemq-mqtt-client #464); for AWS IoT "
					+ "Core connect on port 8883 with mutual TLS (no ALPN needed) and remove this property, or set "
					+ "mqtt.client-library=paho for this connection (each named connection mqtt.connections.<name> "
					+ "can choose its own client library)");
		}
		return List.copyOf(protocols);
	}

	/**
	 * Validate broker URLs; return whether they use TLS (all or none of them do).
	 */
	static boolean validateUris(List<String> uris) {
		if (uris.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("mqtt.url", "", "give at least one broker URL such as tcp://localhost:1883");
		}
		Boolean tls = null;
		for (String value : uris) {
			URI uri;
			try {
				uri = new URI(value);
			}
			catch (URISyntaxException ex) {
				throw new InvalidConfigurationPropertyValueException("mqtt.url", value,
						"not a valid URL (" + ex.getReason() + "); use e.g. tcp://localhost:1883");
			}
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase() : null;
			if (scheme == null || !SCHEMES.contains(scheme)) {
				throw new InvalidConfigurationPropertyValueException("mqtt.url", value, "unknown scheme '" + uri.getScheme()
						+ "'; use tcp://, ssl://, ws:// or wss://, e.g. tcp://localhost:1883");
			}
			if (uri.getHost() == null) {
				throw new InvalidConfigurationPropertyValueException("mqtt.url", value, "no host; use e.g. " + scheme + "://localhost:"
						+ MqttServerUris.defaultPort(scheme));
			}
			boolean secure = MqttServerUris.isTls(uri);
			if (tls != null && tls != secure) {
				throw new InvalidConfigurationPropertyValueException("mqtt.url", String.join(",", uris),
						"a failover list must be all TLS (ssl://, wss://) or all plain (tcp://, ws://), not a mix");
			}
			tls = secure;
		}
		return tls;
	}

	private static void topic(String property, String topic) {
		try {
			MqttTopics.validateTopicName(topic);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, topic, ex.getMessage());
		}
	}

	static void qos(String property, int qos) {
		if (qos < 0 || qos > 2) {
			throw new InvalidConfigurationPropertyValueException(property, qos,
					"MQTT allows QoS 0 (at most once), 1 (at least once) or 2 (exactly once)");
		}
	}

	private static void nonNegative(String property, Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, duration, "must be zero or positive, e.g. 30s");
		}
	}

	/**
	 * Check a duration the protocol carries in whole seconds: 0, or 1 second up to the
	 * maximum, without a fraction of a second.
	 */
	private static void protocolSeconds(String property, Duration duration, long maxSeconds, String hint) {
		if (duration.isZero()) {
			return;
		}
		if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidConfigurationPropertyValueException(property, duration, "MQTT carries this interval in whole seconds, so "
					+ "a value under 1 second would be sent as 0; a number without a unit is in seconds (" + hint + ")");
		}
		if (duration.toSeconds() > maxSeconds) {
			throw new InvalidConfigurationPropertyValueException(property, duration,
					"MQTT allows at most " + maxSeconds + " seconds (" + hint + ")");
		}
		if (duration.getNano() != 0) {
			throw new InvalidConfigurationPropertyValueException(property, duration,
					"MQTT carries this interval in whole seconds; use a whole number of seconds (" + hint + ")");
		}
	}

	private static void positive(String property, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, duration, "must be positive, e.g. 10s");
		}
	}

}
