package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;
import org.springframework.util.MimeType;

import dev.mqttspring.core.InvalidMqttMessageException.Violation;
import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.support.MqttMessageConverters;

/**
 * Publishes messages on the shared {@link MqttConnection}: validates them against the MQTT
 * rules and the broker's limits before anything is sent, converts payloads, sets MQTT 5
 * properties, and reports every outcome through a {@link CompletableFuture}; also sends
 * MQTT 5 requests and completes with their replies.
 * <p>
 * Payloads: {@code byte[]} as is; {@code String} as UTF-8 with content type
 * {@code text/plain; charset=utf-8} and the UTF-8 payload format indicator; any other type
 * through the {@link MessageConverter} (JSON by default, content type
 * {@code application/json}). MQTT 5 properties are ignored on an MQTT 3.1.1 connection.
 * <p>
 * The futures of publishes complete on the client's callback thread; a dependent stage
 * may publish again there: a publish on a client-library thread never waits (when the
 * offline buffer is full it is buffered beyond the bound). On other threads a publish
 * waits up to {@code mqtt.template.max-block} for room in a full offline buffer. Reply
 * futures of {@code request} complete on a separate thread.
 * <p>
 * Thread-safe: many threads may publish at once.
 *
 * @author mqtt-spring-boot
 */
public class MqttTemplate implements MqttOperations, SmartLifecycle {

	/**
	 * Lifecycle phase: started after the connection and stopped before it, so that pending
	 * requests fail with a clear message before the connection goes away.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 1900;

	/**
	 * Content type set on String payloads.
	 */
	public static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

	/**
	 * Content type set on JSON payloads.
	 */
	public static final String JSON_CONTENT_TYPE = "application/json";

	private static final Log logger = LogFactory.getLog(MqttTemplate.class);

	private static final MqttMessageProperties TEXT_PROPERTIES = MqttMessageProperties.builder()
		.contentType(TEXT_CONTENT_TYPE)
		.payloadFormatUtf8(true)
		.build();

	private static final MqttMessageProperties JSON_PROPERTIES = MqttMessageProperties.builder()
		.contentType(JSON_CONTENT_TYPE)
		.payloadFormatUtf8(true)
		.build();

	private static final String REPLY_OWNER = "mqttTemplate-replies";

	private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long MIN_SWEEP_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final MqttConnection connection;

	private volatile MessageConverter messageConverter;

	private volatile int defaultQos = 1;

	private volatile boolean defaultRetain;

	private volatile long timeoutNanos = TimeUnit.SECONDS.toNanos(30);

	private volatile QosExceeded qosExceeded = QosExceeded.FAIL;

	private volatile int maxQos = 2;

	private volatile long maxPacketSize = MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE;

	private volatile @Nullable String replyTopic;

	private volatile @Nullable ApplicationEventPublisher eventPublisher;

	private volatile @Nullable MqttPublishObserver publishObserver;

	private final Queue<PendingPublish> deadlines = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	private final Map<String, PendingRequest> requests = new ConcurrentHashMap<>();

	private final Object replyLock = new Object();

	private volatile @Nullable CompletableFuture<MqttSubscriptionResult> replySubscribed;

	private @Nullable MqttSubscription replySubscription;

	private final Map<Long, Boolean> downgradeWarnings = new ConcurrentHashMap<>();

	private final AtomicLong suppressedFailureLogs = new AtomicLong();

	private volatile long lastFailureLog;

	private volatile boolean running;

	private volatile boolean stopped;

	/**
	 * Create a template with the default payload conversion (String, byte[], JSON).
	 * @param connection the connection to publish on
	 */
	public MqttTemplate(MqttConnection connection) {
		this(connection, MqttMessageConverters.createDefault(null));
	}

	/**
	 * Create a template.
	 * @param connection the connection to publish on
	 * @param messageConverter the converter for payloads other than String and byte[]
	 */
	public MqttTemplate(MqttConnection connection, MessageConverter messageConverter) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.connection = connection;
		this.messageConverter = messageConverter;
	}

	// ---- configuration

	/**
	 * Return the connection this template publishes on.
	 * @return the connection
	 */
	public MqttConnection getConnection() {
		return this.connection;
	}

	/**
	 * Return the converter for payloads other than String and byte[].
	 * @return the message converter
	 */
	public MessageConverter getMessageConverter() {
		return this.messageConverter;
	}

	/**
	 * Set the converter for payloads other than String and byte[], and for typed replies.
	 * @param messageConverter the message converter
	 */
	public void setMessageConverter(MessageConverter messageConverter) {
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.messageConverter = messageConverter;
	}

	/**
	 * Return the QoS of {@link #publish(String, Object)}.
	 * @return the default QoS
	 */
	public int getDefaultQos() {
		return this.defaultQos;
	}

	/**
	 * Set the QoS of {@link #publish(String, Object)} and of messages without a QoS header.
	 * @param defaultQos the QoS: 0, 1 or 2
	 */
	public void setDefaultQos(int defaultQos) {
		MqttQos.validate(defaultQos, "Default QoS of the MqttTemplate");
		this.defaultQos = defaultQos;
	}

	/**
	 * Return whether {@link #publish(String, Object)} retains messages.
	 * @return the default retain flag
	 */
	public boolean isDefaultRetain() {
		return this.defaultRetain;
	}

	/**
	 * Set whether {@link #publish(String, Object)} and messages without a retain header
	 * ask the broker to retain the message.
	 * @param defaultRetain the default retain flag
	 */
	public void setDefaultRetain(boolean defaultRetain) {
		this.defaultRetain = defaultRetain;
	}

	/**
	 * Return the maximum time from publish to acknowledgement.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return Duration.ofNanos(this.timeoutNanos);
	}

	/**
	 * Set the maximum time from publish to the broker's acknowledgement; the future fails
	 * after it (the message may still be delivered later). It counts from when the
	 * connection took the message (sent, or buffered while disconnected); a wait for room
	 * in a full offline buffer comes before it and is bounded by
	 * {@code mqtt.template.max-block}. Applies to publishes started afterwards; timeouts are
	 * detected within 50 ms.
	 * @param timeout the timeout, positive
	 */
	public void setTimeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "'timeout' must be positive but was " + timeout);
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Return the reaction to a QoS above the allowed maximum.
	 * @return the reaction
	 */
	public QosExceeded getQosExceeded() {
		return this.qosExceeded;
	}

	/**
	 * Set the reaction to a QoS above the broker's maximum or {@link #setMaxQos max QoS}.
	 * @param qosExceeded fail the publish, or downgrade with a warning
	 */
	public void setQosExceeded(QosExceeded qosExceeded) {
		Assert.notNull(qosExceeded, "'qosExceeded' must not be null");
		this.qosExceeded = qosExceeded;
	}

	/**
	 * Set the highest QoS to publish with ({@code mqtt.max-qos}), in addition to the
	 * broker's maximum from CONNACK.
	 * @param maxQos the maximum QoS: 0, 1 or 2
	 */
	public void setMaxQos(int maxQos) {
		MqttQos.validate(maxQos, "Maximum QoS of the MqttTemplate");
		this.maxQos = maxQos;
	}

	/**
	 * Set the largest PUBLISH packet to send in bytes ({@code mqtt.max-packet-size}), in
	 * addition to the broker's maximum from CONNACK.
	 * @param maxPacketSize the maximum packet size in bytes
	 */
	public void setMaxPacketSize(long maxPacketSize) {
		Assert.isTrue(maxPacketSize > 0, () -> "'maxPacketSize' must be positive but was " + maxPacketSize);
		this.maxPacketSize = Math.min(maxPacketSize, MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE);
	}

	/**
	 * Return the topic under which replies to requests arrive: each request gets
	 * {@code <replyTopic>/<uuid>} as its response topic. Defaults to
	 * {@code <client id>/replies}.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		String topic = this.replyTopic;
		return (topic != null) ? topic : defaultReplyTopic(this.connection.getClientId());
	}

	/**
	 * Set the topic under which replies to requests arrive.
	 * @param replyTopic a topic name without wildcards, or {@code null} for
	 * {@code <client id>/replies}
	 */
	public void setReplyTopic(@Nullable String replyTopic) {
		if (replyTopic != null) {
			MqttTopics.validateTopicName(replyTopic);
		}
		synchronized (this.replyLock) {
			Assert.state(this.replySubscription == null, "The reply topic cannot be changed after the first request");
			this.replyTopic = replyTopic;
		}
	}

	/**
	 * Set the publisher of {@link MqttDeliveryFailedEvent}s for failed publishes.
	 * @param eventPublisher the event publisher, or {@code null} for none
	 */
	public void setApplicationEventPublisher(@Nullable ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Add an observer of publishes, for metrics or tracing. Observers are called in the
	 * order they were added.
	 * @param observer the observer
	 */
	public void addPublishObserver(MqttPublishObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		synchronized (this.replyLock) {
			MqttPublishObserver current = this.publishObserver;
			if (current == null) {
				this.publishObserver = observer;
			}
			else if (current instanceof CompositeMqttPublishObserver composite) {
				this.publishObserver = composite.with(observer);
			}
			else {
				this.publishObserver = new CompositeMqttPublishObserver(List.of(current, observer));
			}
		}
	}

	// ---- lifecycle

	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void start() {
		this.stopped = false;
		this.running = true;
		if (this.connection.isConnected()) {
			MqttBrokerLimits limits = this.connection.getBrokerLimits();
			if (this.defaultQos > limits.maximumQos()) {
				logger.warn("The default publish QoS " + this.defaultQos + " (mqtt.template.qos) exceeds the maximum QoS "
						+ limits.maximumQos() + " (" + MqttPublishValidator.qosSource(limits.maximumQos(), this.maxQos) + "); "
						+ ((this.qosExceeded == QosExceeded.FAIL) ? "publishes with it will fail"
								: "publishes with it are downgraded") + ". Set mqtt.template.qos=" + limits.maximumQos());
			}
			if (this.defaultRetain && !limits.retainAvailable()) {
				logger.warn("mqtt.template.retain=true but the broker does not support retained messages; publishes"
						+ " with the default retain flag will fail. Set mqtt.template.retain=false");
			}
		}
	}

	/**
	 * Stop: fail all pending requests and remove the reply subscription. Publishing keeps
	 * working until the connection stops.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.stopped = true;
		for (PendingRequest pending : this.requests.values()) {
			pending.fail(new MqttDeliveryException("The MqttTemplate stopped (the application is shutting down) before a"
					+ " reply to the request on '" + pending.topic + "' arrived"));
		}
		MqttSubscription subscription;
		synchronized (this.replyLock) {
			subscription = this.replySubscription;
			this.replySubscription = null;
			this.replySubscribed = null;
		}
		if (subscription != null) {
			try {
				this.connection.unsubscribe(subscription);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove the reply subscription: " + ex.getMessage());
			}
		}
	}

	// ---- publishing

	@Override
	public CompletableFuture<Void> publish(String topic, Object payload) {
		return publish(topic, payload, this.defaultQos, this.defaultRetain);
	}

	@Override
	public CompletableFuture<Void> publish(String topic, Object payload, int qos, boolean retain) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		MqttOutboundMessage message;
		try {
			message = prepare(topic, payload, qos, retain, null, null);
		}
		catch (IllegalArgumentException | IllegalStateException | MessageConversionException ex) {
			return rejected(topic, ex);
		}
		return send(message);
	}

	@Override
	public CompletableFuture<Void> publish(Message<?> message) {
		Assert.notNull(message, "'message' must not be null");
		MessageHeaders headers = message.getHeaders();
		String topic = String.valueOf(headers.get(MqttHeaders.TOPIC));
		MqttOutboundMessage outbound;
		try {
			topic = topicHeader(headers);
			outbound = prepare(topic, message.getPayload(), qosHeader(topic, headers), retainHeader(topic, headers), headers,
					null);
		}
		catch (IllegalArgumentException | IllegalStateException | MessageConversionException ex) {
			return rejected(topic, ex);
		}
		return send(outbound);
	}

	private MqttOutboundMessage prepare(String topic, Object payload, int qos, boolean retain,
			@Nullable MessageHeaders headers, @Nullable MqttMessageProperties request) {
		MqttTopics.validateTopicName(topic);
		MqttPublishValidator.checkQosRange(topic, qos);
		boolean v5 = this.connection.getVersion() == MqttVersion.V5;
		byte[] bytes;
		MqttMessageProperties properties;
		if (payload instanceof byte[] array) {
			bytes = array;
			properties = MqttMessageProperties.NONE;
		}
		else if (payload instanceof String text) {
			bytes = text.getBytes(StandardCharsets.UTF_8);
			properties = TEXT_PROPERTIES;
		}
		else {
			Message<?> converted = this.messageConverter.toMessage(payload, headers);
			if (converted == null) {
				throw new MessageConversionException("No converter writes a payload of type " + payload.getClass().getName()
						+ " for topic '" + MqttPublishValidator.abbreviate(topic) + "'"
						+ ((headers != null && headers.get(MessageHeaders.CONTENT_TYPE) != null)
								? " with content type " + headers.get(MessageHeaders.CONTENT_TYPE) : "")
						+ "; pass a byte[] or String, or register a MessageConverter bean named 'mqttMessageConverter' that"
						+ " supports it (JSON needs Jackson on the classpath)");
			}
			bytes = serialized(converted.getPayload(), payload);
			properties = convertedProperties(converted.getHeaders());
		}
		if (v5) {
			if (headers != null) {
				properties = applyHeaders(topic, properties, headers);
			}
			if (request != null) {
				properties = properties.toBuilder()
					.responseTopic(request.getResponseTopic())
					.correlationData(request.getCorrelationData())
					.build();
			}
		}
		else {
			properties = MqttMessageProperties.NONE;
		}
		MqttBrokerLimits limits = this.connection.getBrokerLimits();
		int allowedQos = Math.min(limits.maximumQos(), this.maxQos);
		int effectiveQos = qos;
		if (qos > allowedQos) {
			if (this.qosExceeded == QosExceeded.FAIL) {
				throw MqttPublishValidator.qosExceeded(topic, qos, allowedQos, this.maxQos);
			}
			effectiveQos = allowedQos;
			warnDowngrade(topic, qos, allowedQos);
		}
		if (retain && !limits.retainAvailable()) {
			throw MqttPublishValidator.retainNotAvailable(topic);
		}
		int propertiesLength = v5 ? MqttPublishValidator.propertiesLength(topic, properties)
				+ ((limits.topicAliasMaximum() > 0) ? MqttPublishValidator.TOPIC_ALIAS_LENGTH : 0) : 0;
		long maximum = Math.min(limits.maximumPacketSize(), this.maxPacketSize);
		MqttPublishValidator.checkPacketSize(topic, MqttPublishValidator.utf8Length(topic), bytes.length, effectiveQos,
				propertiesLength, v5, maximum, this.maxPacketSize);
		return new MqttOutboundMessage(topic, bytes, effectiveQos, retain, properties);
	}

	private static byte[] serialized(Object converted, Object original) {
		if (converted instanceof byte[] bytes) {
			return bytes;
		}
		if (converted instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		throw new MessageConversionException("The message converter turned a " + original.getClass().getName()
				+ " into a " + converted.getClass().getName() + "; MQTT needs byte[] or String payloads");
	}

	private static MqttMessageProperties convertedProperties(MessageHeaders headers) {
		Object contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		if (contentType == null) {
			return MqttMessageProperties.NONE;
		}
		MimeType mimeType = (contentType instanceof MimeType type) ? type : MimeType.valueOf(contentType.toString());
		boolean json = "application".equals(mimeType.getType())
				&& ("json".equals(mimeType.getSubtype()) || mimeType.getSubtype().endsWith("+json"));
		boolean utf8 = mimeType.getCharset() == null || StandardCharsets.UTF_8.equals(mimeType.getCharset());
		if (json && utf8 && mimeType.getParameters().isEmpty() && "json".equals(mimeType.getSubtype())) {
			return JSON_PROPERTIES;
		}
		return MqttMessageProperties.builder()
			.contentType(mimeType.toString())
			.payloadFormatUtf8(((json || "text".equals(mimeType.getType())) && utf8) ? Boolean.TRUE : null)
			.build();
	}

	private static MqttMessageProperties applyHeaders(String topic, MqttMessageProperties base, MessageHeaders headers) {
		Object contentType = headers.get(MqttHeaders.CONTENT_TYPE);
		if (contentType == null) {
			contentType = headers.get(MessageHeaders.CONTENT_TYPE);
		}
		Object responseTopic = headers.get(MqttHeaders.RESPONSE_TOPIC);
		Object correlationData = headers.get(MqttHeaders.CORRELATION_DATA);
		Object expiry = headers.get(MqttHeaders.MESSAGE_EXPIRY_INTERVAL);
		Object payloadFormat = headers.get(MqttHeaders.PAYLOAD_FORMAT_INDICATOR);
		Object userProperties = headers.get(MqttHeaders.USER_PROPERTIES);
		if (contentType == null && responseTopic == null && correlationData == null && expiry == null
				&& payloadFormat == null && userProperties == null) {
			return base;
		}
		MqttMessageProperties.Builder builder = base.toBuilder();
		if (contentType != null) {
			builder.contentType(contentType.toString());
		}
		if (responseTopic != null) {
			try {
				builder.responseTopic(responseTopic.toString());
			}
			catch (InvalidTopicException ex) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, "Response topic header (" + MqttHeaders.RESPONSE_TOPIC
						+ ") of the message to '" + MqttPublishValidator.abbreviate(topic) + "' is invalid: " + ex.getMessage());
			}
		}
		if (correlationData != null) {
			builder.correlationData(correlationData(topic, correlationData));
		}
		if (expiry != null) {
			try {
				builder.messageExpiryInterval(expirySeconds(topic, expiry));
			}
			catch (InvalidMqttMessageException ex) {
				throw ex;
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidMqttMessageException(topic, Violation.INVALID_PROPERTY, ex.getMessage());
			}
		}
		if (payloadFormat != null) {
			builder.payloadFormatUtf8(booleanHeader(topic, MqttHeaders.PAYLOAD_FORMAT_INDICATOR, payloadFormat));
		}
		if (userProperties != null) {
			addUserProperties(topic, builder, userProperties);
		}
		return builder.build();
	}

	private static byte[] correlationData(String topic, Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		if (value instanceof String || value instanceof UUID) {
			return value.toString().getBytes(StandardCharsets.UTF_8);
		}
		throw headerType(topic, MqttHeaders.CORRELATION_DATA, value, "a byte[], String or UUID");
	}

	private static long expirySeconds(String topic, Object value) {
		if (value instanceof Duration duration) {
			return duration.toSeconds();
		}
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		throw headerType(topic, MqttHeaders.MESSAGE_EXPIRY_INTERVAL, value, "a number of seconds (Long) or a Duration");
	}

	private static void addUserProperties(String topic, MqttMessageProperties.Builder builder, Object value) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((name, propertyValue) -> {
				if (propertyValue instanceof Collection<?> values) {
					values.forEach((v) -> builder.userProperty(String.valueOf(name), String.valueOf(v)));
				}
				else {
					builder.userProperty(String.valueOf(name), String.valueOf(propertyValue));
				}
			});
			return;
		}
		if (value instanceof Collection<?> collection) {
			for (Object element : collection) {
				if (element instanceof MqttUserProperty property) {
					builder.userProperty(property.name(), property.value());
				}
				else if (element instanceof Map.Entry<?, ?> entry) {
					builder.userProperty(String.valueOf(entry.getKey()), String.valueOf(entry.getValue()));
				}
				else {
					throw headerType(topic, MqttHeaders.USER_PROPERTIES, value,
							"a List<MqttUserProperty> or a Map<String, String>");
				}
			}
			return;
		}
		throw headerType(topic, MqttHeaders.USER_PROPERTIES, value, "a List<MqttUserProperty> or a Map<String, String>");
	}

	private String topicHeader(MessageHeaders headers) {
		Object topic = headers.get(MqttHeaders.TOPIC);
		if (topic == null) {
			throw new InvalidTopicException(null, "The message has no topic header; set MqttHeaders.TOPIC ('"
					+ MqttHeaders.TOPIC + "'), for example with MqttMessageBuilder.withPayload(payload).topic(\"a/b\")");
		}
		if (!(topic instanceof String text)) {
			throw headerType("?", MqttHeaders.TOPIC, topic, "a String");
		}
		return text;
	}

	private int qosHeader(String topic, MessageHeaders headers) {
		Object qos = headers.get(MqttHeaders.QOS);
		if (qos == null) {
			return this.defaultQos;
		}
		if (qos instanceof Number number) {
			return number.intValue();
		}
		if (qos instanceof String text) {
			try {
				return Integer.parseInt(text.trim());
			}
			catch (NumberFormatException ex) {
				// fall through
			}
		}
		throw headerType(topic, MqttHeaders.QOS, qos, "an Integer 0, 1 or 2");
	}

	private boolean retainHeader(String topic, MessageHeaders headers) {
		Object retain = headers.get(MqttHeaders.RETAIN);
		return (retain != null) ? booleanHeader(topic, MqttHeaders.RETAIN, retain) : this.defaultRetain;
	}

	private static boolean booleanHeader(String topic, String name, Object value) {
		if (value instanceof Boolean bool) {
			return bool;
		}
		if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
			return Boolean.parseBoolean(text);
		}
		throw headerType(topic, name, value, "a Boolean");
	}

	private static InvalidMqttMessageException headerType(String topic, String name, Object value, String expected) {
		return new InvalidMqttMessageException(topic, Violation.INVALID_HEADER, "Header '" + name + "' of the message to '"
				+ MqttPublishValidator.abbreviate(topic) + "' is a " + value.getClass().getName() + " (" + value
				+ "); use " + expected);
	}

	private void warnDowngrade(String topic, int requested, int allowed) {
		long key = ((long) requested << 8) | allowed;
		if (this.downgradeWarnings.putIfAbsent(key, Boolean.TRUE) == null) {
			logger.warn("Publishing with QoS " + allowed + " instead of the requested QoS " + requested + " (first on '"
					+ topic + "'): the maximum QoS is " + allowed + " ("
					+ MqttPublishValidator.qosSource(allowed, this.maxQos)
					+ ") and mqtt.template.qos-exceeded=downgrade. Logged once; publish with QoS " + allowed
					+ " to silence it");
		}
	}

	private CompletableFuture<Void> send(MqttOutboundMessage message) {
		MqttPublishObserver observer = this.publishObserver;
		MqttPublishObserver.Handle handle = (observer != null) ? CompositeMqttPublishObserver.start(observer, message)
				: null;
		if (handle != null && handle.message() != null && this.connection.getVersion() == MqttVersion.V5) {
			message = handle.message();
		}
		PendingPublish pending = new PendingPublish(message, handle, this.timeoutNanos);
		CompletableFuture<Void> sent;
		try {
			sent = this.connection.publish(message);
			// the timeout counts from here: the wait for room in a full offline buffer has its own bound
			pending.deadline = System.nanoTime() + this.timeoutNanos;
		}
		catch (RuntimeException ex) {
			pending.finish(new MqttDeliveryException("Publishing to '" + message.topic() + "' failed: " + ex.getMessage(),
					MqttDeliveryException.NO_REASON_CODE, ex));
			return pending;
		}
		sent.whenComplete(pending);
		if (!pending.isFinished()) {
			watchDeadline(pending);
		}
		return pending;
	}

	/**
	 * Queue a publish for its timeout, which counts from when the connection took it (after
	 * any wait for buffer room or an in-flight slot). Publishes share one timeout, so their deadlines
	 * arrive in submission order and a FIFO queue swept by the shared timer replaces a
	 * scheduled task per publish: an offer to a lock-free queue on the hot path.
	 */
	private void watchDeadline(PendingPublish pending) {
		this.deadlines.offer(pending);
		if (!this.sweeping.get() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep(Math.min(this.timeoutNanos, SWEEP_INTERVAL_NANOS));
		}
	}

	private void scheduleSweep(long delayNanos) {
		Timers.SCHEDULER.schedule(this::sweepDeadlines, Math.max(delayNanos, MIN_SWEEP_DELAY_NANOS), TimeUnit.NANOSECONDS);
	}

	private void sweepDeadlines() {
		long now = System.nanoTime();
		PendingPublish head;
		while ((head = this.deadlines.peek()) != null) {
			if (!head.isFinished() && head.deadline - now > 0) {
				break;
			}
			this.deadlines.poll();
			if (!head.isFinished()) {
				try {
					head.timeout();
				}
				catch (RuntimeException ex) {
					logger.warn("Failing a timed-out publish failed", ex);
				}
			}
		}
		if (head != null) {
			scheduleSweep(Math.min(head.deadline - now, SWEEP_INTERVAL_NANOS));
			return;
		}
		this.sweeping.set(false);
		if (!this.deadlines.isEmpty() && this.sweeping.compareAndSet(false, true)) {
			scheduleSweep(SWEEP_INTERVAL_NANOS);
		}
	}

	private <T> CompletableFuture<T> rejected(String topic, RuntimeException failure) {
		MqttPublishObserver observer = this.publishObserver;
		if (observer != null) {
			try {
				observer.rejected(topic, failure);
			}
			catch (RuntimeException ex) {
				logger.warn("MQTT publish observer failed", ex);
			}
		}
		failed(topic, failure);
		return CompletableFuture.failedFuture(failure);
	}

	private void failed(String topic, Throwable failure) {
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			try {
				publisher.publishEvent(new MqttDeliveryFailedEvent(this.connection.getClientId(), topic, failure));
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of MqttDeliveryFailedEvent failed", ex);
			}
		}
		long now = System.nanoTime();
		long last = this.lastFailureLog;
		if (now - last >= WARN_INTERVAL_NANOS || last == 0) {
			this.lastFailureLog = now;
			long suppressed = this.suppressedFailureLogs.getAndSet(0);
			logger.warn("MQTT publish failed: " + failure.getMessage()
					+ ((suppressed > 0) ? " (and " + suppressed + " more publish failures since the last report)" : ""));
		}
		else {
			this.suppressedFailureLogs.incrementAndGet();
			if (logger.isDebugEnabled()) {
				logger.debug("Publishing to '" + topic + "' failed: " + failure.getMessage());
			}
		}
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable result = failure;
		while ((result instanceof CompletionException || result instanceof ExecutionException) && result.getCause() != null) {
			result = result.getCause();
		}
		return result;
	}

	// ---- request-reply

	@Override
	public CompletableFuture<Message<byte[]>> request(String topic, Object payload, Duration timeout) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		return doRequest(topic, payload, this.defaultQos, false, null, timeout);
	}

	@Override
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(topic, payload, timeout).thenApply((reply) -> convertReply(topic, reply, replyType));
	}

	@Override
	public CompletableFuture<Message<byte[]>> request(Message<?> message, Duration timeout) {
		Assert.notNull(message, "'message' must not be null");
		MessageHeaders headers = message.getHeaders();
		String topic = String.valueOf(headers.get(MqttHeaders.TOPIC));
		int qos;
		boolean retain;
		try {
			topic = topicHeader(headers);
			qos = qosHeader(topic, headers);
			retain = retainHeader(topic, headers);
		}
		catch (IllegalArgumentException ex) {
			return rejected(topic, ex);
		}
		return doRequest(topic, message.getPayload(), qos, retain, headers, timeout);
	}

	private CompletableFuture<Message<byte[]>> doRequest(String topic, Object payload, int qos, boolean retain,
			@Nullable MessageHeaders headers, Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "'timeout' must be positive but was " + timeout);
		if (this.connection.getVersion() != MqttVersion.V5) {
			return rejected(topic, new IllegalStateException("Request-reply needs MQTT 5 (response topic and correlation"
					+ " data), but connection '" + this.connection.getClientId() + "' speaks MQTT "
					+ this.connection.getVersion().label() + "; set mqtt.version=5, or publish the request with a reply topic"
					+ " in its payload and subscribe to that topic with @MqttSubscribe"));
		}
		if (this.stopped) {
			return CompletableFuture.failedFuture(new MqttDeliveryException("The MqttTemplate is stopped; the request to '"
					+ topic + "' was not sent"));
		}
		String id = UUID.randomUUID().toString();
		String base = getReplyTopic();
		MqttMessageProperties request = MqttMessageProperties.builder()
			.responseTopic(base + "/" + id)
			.correlationData(id.getBytes(StandardCharsets.US_ASCII))
			.build();
		MqttOutboundMessage message;
		try {
			message = prepare(topic, payload, qos, retain, headers, request);
		}
		catch (IllegalArgumentException | IllegalStateException | MessageConversionException ex) {
			return rejected(topic, ex);
		}
		PendingRequest pending = new PendingRequest(id, topic, timeout);
		this.requests.put(id, pending);
		pending.timer = Timers.SCHEDULER.schedule(pending, timeout.toNanos(), TimeUnit.NANOSECONDS);
		CompletableFuture<MqttSubscriptionResult> subscribed = replySubscription(base);
		if (subscribed.isDone()) {
			sendRequest(pending, message, subscribed);
		}
		else {
			subscribed.whenCompleteAsync((result, ex) -> sendRequest(pending, message, subscribed), Timers.DEFERRED_SENDS);
		}
		return pending;
	}

	private void sendRequest(PendingRequest pending, MqttOutboundMessage message,
			CompletableFuture<MqttSubscriptionResult> subscribed) {
		if (pending.isDone()) {
			return;
		}
		MqttSubscriptionResult result;
		try {
			result = subscribed.join();
		}
		catch (RuntimeException ex) {
			Throwable cause = unwrap(ex);
			pending.fail(new MqttDeliveryException("Could not subscribe to the reply topic '" + getReplyTopic()
					+ "/+' for the request to '" + message.topic() + "': " + cause.getMessage(),
					MqttDeliveryException.NO_REASON_CODE, cause));
			return;
		}
		if (!result.isGranted()) {
			pending.fail(new MqttDeliveryException("The broker refused the subscription to the reply topic '"
					+ result.filter() + "' (" + result.reason() + "), so no reply to the request on '" + message.topic()
					+ "' could arrive; allow this client to subscribe to it, or set mqtt.template.reply-topic to a topic it"
					+ " may use", result.reasonCode(), null));
			return;
		}
		send(message).whenComplete((ignored, ex) -> {
			if (ex != null) {
				pending.fail(unwrap(ex));
			}
		});
	}

	private CompletableFuture<MqttSubscriptionResult> replySubscription(String base) {
		CompletableFuture<MqttSubscriptionResult> current = this.replySubscribed;
		if (current != null && usable(current)) {
			return current;
		}
		MqttSubscription stale = null;
		synchronized (this.replyLock) {
			current = this.replySubscribed;
			if (current != null && usable(current)) {
				return current;
			}
			stale = this.replySubscription;
			int qos = Math.min(1, this.connection.getBrokerLimits().maximumQos());
			MqttSubscription subscription = new MqttSubscription(base + "/+", qos, this::onReply, REPLY_OWNER);
			this.replySubscription = subscription;
			current = this.connection.subscribe(subscription);
			this.replySubscribed = current;
		}
		if (stale != null) {
			this.connection.unsubscribe(stale);
		}
		return current;
	}

	private static boolean usable(CompletableFuture<MqttSubscriptionResult> subscribed) {
		if (!subscribed.isDone()) {
			return true;
		}
		if (subscribed.isCompletedExceptionally()) {
			return false;
		}
		return subscribed.join().isGranted();
	}

	private void onReply(MqttInboundMessage message) {
		message.acknowledge();
		String id = correlationId(message);
		PendingRequest pending = (id != null) ? this.requests.get(id) : null;
		if (pending == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("Ignoring a reply on '" + message.getTopic() + "' that matches no pending request"
						+ " (it timed out, or belongs to another template)");
			}
			return;
		}
		Message<byte[]> reply = toMessage(message);
		Timers.REPLIES.execute(() -> pending.succeed(reply));
	}

	private @Nullable String correlationId(MqttInboundMessage message) {
		byte[] correlationData = message.getProperties().getCorrelationData();
		if (correlationData != null) {
			return new String(correlationData, StandardCharsets.UTF_8);
		}
		String topic = message.getTopic();
		int slash = topic.lastIndexOf('/');
		return (slash >= 0) ? topic.substring(slash + 1) : null;
	}

	static Message<byte[]> toMessage(MqttInboundMessage message) {
		MqttMessageProperties properties = message.getProperties();
		MessageBuilder<byte[]> builder = MessageBuilder.withPayload(message.getPayload())
			.setHeader(MqttHeaders.RECEIVED_TOPIC, message.getTopic())
			.setHeader(MqttHeaders.RECEIVED_QOS, message.getQos())
			.setHeader(MqttHeaders.RECEIVED_RETAINED, message.isRetained())
			.setHeader(MqttHeaders.DUPLICATE, message.isDuplicate())
			.setHeader(MqttHeaders.ID, message.getMessageId());
		if (properties.getContentType() != null) {
			builder.setHeader(MqttHeaders.CONTENT_TYPE, properties.getContentType());
			builder.setHeader(MessageHeaders.CONTENT_TYPE, properties.getContentType());
		}
		builder.setHeaderIfAbsent(MqttHeaders.RESPONSE_TOPIC, properties.getResponseTopic());
		builder.setHeaderIfAbsent(MqttHeaders.CORRELATION_DATA, properties.getCorrelationData());
		builder.setHeaderIfAbsent(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, properties.getMessageExpiryInterval());
		builder.setHeaderIfAbsent(MqttHeaders.PAYLOAD_FORMAT_INDICATOR, properties.getPayloadFormatUtf8());
		if (!properties.getUserProperties().isEmpty()) {
			builder.setHeader(MqttHeaders.USER_PROPERTIES, properties.getUserProperties());
		}
		if (!properties.getSubscriptionIdentifiers().isEmpty()) {
			builder.setHeader(MqttHeaders.SUBSCRIPTION_IDENTIFIERS, properties.getSubscriptionIdentifiers());
		}
		return builder.build();
	}

	@SuppressWarnings("unchecked")
	private <T> T convertReply(String topic, Message<byte[]> reply, Class<T> type) {
		if (type == byte[].class || type == Object.class) {
			return (T) reply.getPayload();
		}
		if (type == String.class) {
			return (T) new String(reply.getPayload(), StandardCharsets.UTF_8);
		}
		if (Message.class.isAssignableFrom(type)) {
			return (T) reply;
		}
		Object converted = this.messageConverter.fromMessage(reply, type);
		if (converted == null) {
			throw new MessageConversionException(reply, "Could not convert the reply to the request on '" + topic + "' ("
					+ reply.getPayload().length + " bytes, content type " + reply.getHeaders().get(MqttHeaders.CONTENT_TYPE)
					+ ") to " + type.getName() + "; request a byte[] or String, or register a MessageConverter bean named"
					+ " 'mqttMessageConverter' that reads it");
		}
		return (T) converted;
	}

	static String defaultReplyTopic(String clientId) {
		StringBuilder topic = new StringBuilder(clientId.length() + 8);
		for (int i = 0; i < clientId.length(); i++) {
			char c = clientId.charAt(i);
			if (c == '+' || c == '#' || c == '\u0000' || (i == 0 && c == '$')) {
				topic.append('_');
			}
			else {
				topic.append(c);
			}
		}
		if (topic.length() == 0) {
			topic.append("mqtt");
		}
		return topic.append("/replies").toString();
	}

	@Override
	public String toString() {
		return "MqttTemplate{clientId=" + this.connection.getClientId() + ", defaultQos=" + this.defaultQos
				+ ", defaultRetain=" + this.defaultRetain + ", timeout=" + getTimeout() + "}";
	}

	/**
	 * Reaction to a publish with a QoS above the allowed maximum.
	 */
	public enum QosExceeded {

		/**
		 * Fail the publish with an error naming the limit.
		 */
		FAIL,

		/**
		 * Publish with the highest allowed QoS and log a warning once.
		 */
		DOWNGRADE

	}

	/**
	 * The future of one publish: completed by the connection's future, or by its timeout.
	 */
	private final class PendingPublish extends CompletableFuture<Void> implements BiConsumer<Void, Throwable> {

		private static final AtomicIntegerFieldUpdater<PendingPublish> FINISHED = AtomicIntegerFieldUpdater
			.newUpdater(PendingPublish.class, "finished");

		private final String topic;

		private final int qos;

		private final MqttPublishObserver.@Nullable Handle handle;

		long deadline;

		private final long timeoutNanos;

		private volatile int finished;

		PendingPublish(MqttOutboundMessage message, MqttPublishObserver.@Nullable Handle handle, long timeoutNanos) {
			this.topic = message.topic();
			this.qos = message.qos();
			this.handle = handle;
			this.timeoutNanos = timeoutNanos;
			this.deadline = System.nanoTime() + timeoutNanos;
		}

		@Override
		public void accept(Void ignored, @Nullable Throwable failure) {
			finish((failure != null) ? unwrap(failure) : null);
		}

		boolean isFinished() {
			return this.finished != 0;
		}

		void timeout() {
			long millis = TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos);
			String what = (this.qos == 0) ? "was not written to the connection"
					: "was not acknowledged by the broker (QoS " + this.qos + ")";
			finish(new MqttDeliveryException("The message to '" + this.topic + "' " + what + " within " + millis
					+ " ms (mqtt.template.timeout); the connection is " + MqttTemplate.this.connection.getState()
					+ ". It may still be delivered later; raise mqtt.template.timeout or check the broker",
					MqttDeliveryException.NO_REASON_CODE, new TimeoutException("No acknowledgement within " + millis + " ms")));
		}

		void finish(@Nullable Throwable failure) {
			if (!FINISHED.compareAndSet(this, 0, 1)) {
				return;
			}
			if (this.handle != null) {
				CompositeMqttPublishObserver.stop(this.handle, failure);
			}
			if (failure == null) {
				complete(null);
			}
			else {
				failed(this.topic, failure);
				completeExceptionally(failure);
			}
		}

	}

	/**
	 * The future of one request, registered by its correlation id until the reply arrives
	 * or it times out.
	 */
	private final class PendingRequest extends CompletableFuture<Message<byte[]>> implements Runnable {

		private final String id;

		final String topic;

		private final Duration timeout;

		volatile @Nullable ScheduledFuture<?> timer;

		PendingRequest(String id, String topic, Duration timeout) {
			this.id = id;
			this.topic = topic;
			this.timeout = timeout;
		}

		@Override
		public void run() {
			fail(new MqttDeliveryException("No reply to the request on '" + this.topic + "' arrived within "
					+ this.timeout.toMillis() + " ms (response topic '" + getReplyTopic() + "/" + this.id
					+ "'); check that a responder subscribes to '" + this.topic
					+ "' and publishes its reply to the MQTT 5 response topic with the request's correlation data",
					MqttDeliveryException.NO_REASON_CODE, new TimeoutException("No reply within " + this.timeout.toMillis() + " ms")));
		}

		void succeed(Message<byte[]> reply) {
			if (MqttTemplate.this.requests.remove(this.id, this)) {
				cancelTimer();
				complete(reply);
			}
		}

		void fail(Throwable failure) {
			if (MqttTemplate.this.requests.remove(this.id, this)) {
				cancelTimer();
				completeExceptionally(failure);
			}
		}

		private void cancelTimer() {
			ScheduledFuture<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

	/**
	 * Threads shared by all templates, so that nothing runs on (or blocks) the client's
	 * callback thread: one timer for timeouts, a small pool that completes reply futures,
	 * and one that sends the requests that waited for the reply subscription (a send may
	 * wait for room in a full offline buffer, up to mqtt.template.max-block).
	 */
	private static final class Timers {

		static final ScheduledThreadPoolExecutor SCHEDULER;

		static final Executor REPLIES = executor("mqtt-template-reply", 4);

		static final Executor DEFERRED_SENDS = executor("mqtt-template-send", 1);

		static {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "mqtt-template-timer");
				thread.setDaemon(true);
				return thread;
			});
			scheduler.setRemoveOnCancelPolicy(true);
			SCHEDULER = scheduler;
		}

		private static Executor executor(String name, int threads) {
			ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), (runnable) -> {
						Thread thread = new Thread(runnable, name);
						thread.setDaemon(true);
						return thread;
					});
			executor.allowCoreThreadTimeOut(true);
			return executor;
		}

	}

}
