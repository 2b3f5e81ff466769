package dev.mqttspring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.support.MqttMessageConverters;

/**
 * Publishes messages on an {@link MqttConnection}: validates them against the MQTT rules
 * and the broker's limits before anything is sent, converts payloads, maps headers to MQTT 5
 * properties ({@link MqttHeaderMapper}), reports outcomes to {@link MqttPublishObserver}s
 * and through the returned {@link CompletableFuture}. Thread-safe. Request-reply:
 * {@link ReplyingMqttTemplate}. The guide's section "4. Publish" tells the whole story.
 *
 * @author mqtt-spring-boot
 */
public class MqttTemplate implements MqttOperations, SmartLifecycle, AutoCloseable {

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

	private final MqttConnection connection;

	private final MqttTemplateExecutors executors;

	private final PublishDeadlines deadlines;

	private final PublishFailureLog failureLog = new PublishFailureLog();

	private volatile MessageConverter messageConverter;

	private volatile MqttHeaderMapper headerMapper = MqttHeaderMapper.DEFAULT;

	private volatile int defaultQos = 1;

	private volatile boolean defaultRetain;

	private volatile long timeoutNanos = TimeUnit.SECONDS.toNanos(30);

	private volatile QosExceeded qosExceeded = QosExceeded.FAIL;

	private volatile int maxQos = 2;

	private volatile long maxPacketSize = MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE;

	private volatile @Nullable MqttPublishObserver publishObserver;

	private final Object lock = new Object();

	private volatile @Nullable ReplyingMqttTemplate replying;

	private final Map<Long, Boolean> downgradeWarnings = new ConcurrentHashMap<>();

	private volatile boolean running;

	/**
	 * Create a template with the default payload conversion (String, byte[], JSON).
	 * @param connection the connection to publish on
	 */
	public MqttTemplate(MqttConnection connection) {
		this(connection, MqttMessageConverters.createDefault(null));
	}

	/**
	 * Create a template with threads of its own for timeouts, released by {@link #close()}.
	 * @param connection the connection to publish on
	 * @param messageConverter the converter for payloads other than String and byte[]
	 */
	public MqttTemplate(MqttConnection connection, MessageConverter messageConverter) {
		this(connection, messageConverter, null);
	}

	/**
	 * Create a template.
	 * @param connection the connection to publish on
	 * @param messageConverter the converter for payloads other than String and byte[]
	 * @param scheduler the scheduler for timeouts, or {@code null} for threads of its own
	 */
	public MqttTemplate(MqttConnection connection, MessageConverter messageConverter,
			@Nullable TaskScheduler scheduler) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.connection = connection;
		this.messageConverter = messageConverter;
		this.executors = new MqttTemplateExecutors(scheduler, "mqtt-template");
		this.deadlines = new PublishDeadlines((task, delay) -> this.executors.schedule(task, delay));
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
	 * Return the mapper between message headers and MQTT 5 properties.
	 * @return the header mapper
	 */
	public MqttHeaderMapper getHeaderMapper() {
		return this.headerMapper;
	}

	/**
	 * Set the mapper between message headers and MQTT 5 properties.
	 * @param headerMapper the header mapper
	 */
	public void setHeaderMapper(MqttHeaderMapper headerMapper) {
		Assert.notNull(headerMapper, "'headerMapper' must not be null");
		this.headerMapper = headerMapper;
	}

	/**
	 * Return the reply topic of {@link #request requests}.
	 * @return the reply topic
	 * @deprecated since 0.1.0 in favour of {@link ReplyingMqttTemplate#getReplyTopic()}
	 */
	@Deprecated(since = "0.1.0")
	public String getReplyTopic() {
		return replying().getReplyTopic();
	}

	/**
	 * Set the reply topic of {@link #request requests}.
	 * @param replyTopic a topic name without wildcards, or {@code null} for
	 * {@code <client id>/replies}
	 * @deprecated since 0.1.0 in favour of {@link ReplyingMqttTemplate#setReplyTopic(String)}
	 */
	@Deprecated(since = "0.1.0")
	public void setReplyTopic(@Nullable String replyTopic) {
		replying().setReplyTopic(replyTopic);
	}

	/**
	 * Publish an {@link MqttDeliveryFailedEvent} for each failed publish.
	 * @param eventPublisher the event publisher, or {@code null} for none
	 * @deprecated since 0.1.0 in favour of adding an {@link MqttDeliveryFailedEventPublisher}
	 * with {@link #addPublishObserver}, as auto-configuration does
	 */
	@Deprecated(since = "0.1.0")
	public void setApplicationEventPublisher(@Nullable ApplicationEventPublisher eventPublisher) {
		if (eventPublisher != null) {
			addPublishObserver(new MqttDeliveryFailedEventPublisher(eventPublisher, this.connection));
		}
	}

	/**
	 * Add an observer of publishes, for events, metrics or tracing. Observers are called in
	 * the order they were added.
	 * @param observer the observer
	 */
	public void addPublishObserver(MqttPublishObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		synchronized (this.lock) {
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
		this.running = true;
		ReplyingMqttTemplate replying = this.replying;
		if (replying != null) {
			replying.start();
		}
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
	 * Stop: pending {@link #request requests} fail. Publishing keeps working until the
	 * connection stops.
	 */
	@Override
	public void stop() {
		this.running = false;
		ReplyingMqttTemplate replying = this.replying;
		if (replying != null) {
			replying.stop();
		}
	}

	/**
	 * Stop and release the threads of this template; used again, it starts new ones.
	 */
	@Override
	public void close() {
		stop();
		this.executors.close();
	}

	MqttTemplateExecutors executors() {
		return this.executors;
	}

	/**
	 * Make the replying template the one that {@link #request} delegates to, unless there
	 * is one already.
	 */
	void adopt(ReplyingMqttTemplate replying) {
		synchronized (this.lock) {
			if (this.replying == null) {
				this.replying = replying;
			}
		}
	}

	private ReplyingMqttTemplate replying() {
		ReplyingMqttTemplate replying = this.replying;
		if (replying == null) {
			synchronized (this.lock) {
				replying = this.replying;
				if (replying == null) {
					replying = new ReplyingMqttTemplate(this);
				}
			}
		}
		return replying;
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
			message = prepare(topic, payload, qos, retain, null, null, null);
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
			topic = this.headerMapper.topic(headers);
			outbound = prepare(topic, message.getPayload(), this.headerMapper.qos(topic, headers, this.defaultQos),
					this.headerMapper.retain(topic, headers, this.defaultRetain), headers, null, null);
		}
		catch (IllegalArgumentException | IllegalStateException | MessageConversionException ex) {
			return rejected(topic, ex);
		}
		return send(outbound);
	}

	/**
	 * Validate and convert a message to publish.
	 * @param responseTopic the MQTT 5 response topic of a request, replacing any header
	 * @param correlationData the correlation data of a request, replacing any header
	 */
	MqttOutboundMessage prepare(String topic, Object payload, int qos, boolean retain, @Nullable MessageHeaders headers,
			@Nullable String responseTopic, byte @Nullable [] correlationData) {
		MqttTopics.validateTopicName(topic);
		MqttPublishValidator.checkQosRange(topic, qos);
		boolean v5 = this.connection.getVersion() == MqttVersion.V5;
		MqttPayloads.Serialized serialized = MqttPayloads.serialize(topic, payload, this.messageConverter, headers);
		MqttMessageProperties properties = MqttMessageProperties.NONE;
		if (v5) {
			properties = serialized.properties();
			if (headers != null) {
				properties = this.headerMapper.toProperties(topic, properties, headers);
			}
			if (responseTopic != null) {
				properties = properties.toBuilder().responseTopic(responseTopic).correlationData(correlationData).build();
			}
		}
		byte[] bytes = serialized.bytes();
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

	CompletableFuture<Void> send(MqttOutboundMessage message) {
		MqttPublishObserver observer = this.publishObserver;
		MqttPublishObserver.Handle handle = (observer != null) ? CompositeMqttPublishObserver.start(observer, message)
				: null;
		if (handle != null && handle.message() != null && this.connection.getVersion() == MqttVersion.V5) {
			message = handle.message();
		}
		PendingPublish pending = new PendingPublish(message, handle, this.timeoutNanos, this.connection, this.failureLog);
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
			this.deadlines.watch(pending, this.timeoutNanos);
		}
		return pending;
	}

	<T> CompletableFuture<T> rejected(String topic, RuntimeException failure) {
		MqttPublishObserver observer = this.publishObserver;
		if (observer != null) {
			try {
				observer.rejected(topic, failure);
			}
			catch (RuntimeException ex) {
				logger.warn("MQTT publish observer failed", ex);
			}
		}
		this.failureLog.failed(topic, failure);
		return CompletableFuture.failedFuture(failure);
	}

	static Throwable unwrap(Throwable failure) {
		Throwable result = failure;
		while ((result instanceof CompletionException || result instanceof ExecutionException) && result.getCause() != null) {
			result = result.getCause();
		}
		return result;
	}

	// ---- request-reply (deprecated: ReplyingMqttTemplate)

	/**
	 * {@inheritDoc}
	 * @deprecated since 0.1.0 in favour of {@link ReplyingMqttTemplate}
	 */
	@Override
	@Deprecated(since = "0.1.0")
	public CompletableFuture<Message<byte[]>> request(String topic, Object payload, Duration timeout) {
		return replying().request(topic, payload, timeout);
	}

	/**
	 * {@inheritDoc}
	 * @deprecated since 0.1.0 in favour of {@link ReplyingMqttTemplate}
	 */
	@Override
	@Deprecated(since = "0.1.0")
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		return replying().request(topic, payload, replyType, timeout);
	}

	/**
	 * {@inheritDoc}
	 * @deprecated since 0.1.0 in favour of {@link ReplyingMqttTemplate}
	 */
	@Override
	@Deprecated(since = "0.1.0")
	public CompletableFuture<Message<byte[]>> request(Message<?> message, Duration timeout) {
		return replying().request(message, timeout);
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

}
