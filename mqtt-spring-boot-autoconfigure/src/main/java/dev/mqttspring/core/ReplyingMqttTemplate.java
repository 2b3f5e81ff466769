package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

import dev.mqttspring.support.MqttHeaders;

/**
 * MQTT 5 request-reply on top of an {@link MqttTemplate}: each request carries a response
 * topic under {@link #getReplyTopic() the reply topic} and random correlation data, and its
 * future completes with the reply that carries the same correlation data, or fails after
 * the timeout. Publishing (validation, conversion, observers) is the template's. Timeouts
 * run on the given {@link TaskScheduler}, or on the template's own threads.
 *
 * @author mqtt-spring-boot
 */
public class ReplyingMqttTemplate implements SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReplyingMqttTemplate.class);

	private static final String REPLY_OWNER = "mqttTemplate-replies";

	private final MqttTemplate template;

	private final MqttTemplateExecutors executors;

	private final Map<String, PendingRequest> requests = new ConcurrentHashMap<>();

	private final Object replyLock = new Object();

	private volatile @Nullable String replyTopic;

	private volatile @Nullable CompletableFuture<MqttSubscriptionResult> replySubscribed;

	private @Nullable MqttSubscription replySubscription;

	private volatile boolean running;

	private volatile boolean stopped;

	/**
	 * Create a replying template that runs its timeouts on the template's threads.
	 * @param template the template that publishes the requests
	 */
	public ReplyingMqttTemplate(MqttTemplate template) {
		this(template, template.executors());
	}

	/**
	 * Create a replying template that runs its timeouts and completes its futures on the
	 * given scheduler.
	 * @param template the template that publishes the requests
	 * @param scheduler the scheduler
	 */
	public ReplyingMqttTemplate(MqttTemplate template, TaskScheduler scheduler) {
		this(template, new MqttTemplateExecutors(scheduler, "mqtt-replying-template"));
		Assert.notNull(scheduler, "'scheduler' must not be null");
	}

	private ReplyingMqttTemplate(MqttTemplate template, MqttTemplateExecutors executors) {
		Assert.notNull(template, "'template' must not be null");
		this.template = template;
		this.executors = executors;
		template.adopt(this);
	}

	/**
	 * Return the template that publishes the requests.
	 * @return the template
	 */
	public MqttTemplate getTemplate() {
		return this.template;
	}

	/**
	 * Return the topic under which replies arrive: each request gets
	 * {@code <replyTopic>/<uuid>} as its response topic. Defaults to
	 * {@code <client id>/replies}.
	 * @return the reply topic
	 */
	public String getReplyTopic() {
		String topic = this.replyTopic;
		return (topic != null) ? topic : defaultReplyTopic(this.template.getConnection().getClientId());
	}

	/**
	 * Set the topic under which replies arrive ({@code mqtt.template.reply-topic}).
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

	// ---- lifecycle

	@Override
	public int getPhase() {
		return MqttTemplate.DEFAULT_PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void start() {
		this.stopped = false;
		this.running = true;
	}

	/**
	 * Stop: fail all pending requests and remove the reply subscription.
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
				this.template.getConnection().unsubscribe(subscription);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove the reply subscription: " + ex.getMessage());
			}
		}
	}

	/**
	 * Stop, and release threads of its own (not those of a given scheduler or the
	 * template's).
	 */
	@Override
	public void close() {
		stop();
		if (this.executors != this.template.executors()) {
			this.executors.close();
		}
	}

	// ---- requests

	/**
	 * Send a request with the template's default QoS and wait for its reply.
	 * @param topic the topic the responder subscribes to
	 * @param payload the request payload
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the reply, or exceptionally on timeout, on a
	 * failed publish, when this template stops, or on an MQTT 3.1.1 connection
	 */
	public CompletableFuture<Message<byte[]>> request(String topic, Object payload, Duration timeout) {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		return doRequest(topic, payload, this.template.getDefaultQos(), false, null, timeout);
	}

	/**
	 * Send a request and convert its reply to the given type through the template's message
	 * converter (String and byte[] directly, JSON for other types by default).
	 * @param <T> the reply type
	 * @param topic the topic the responder subscribes to
	 * @param payload the request payload
	 * @param replyType the type to convert the reply payload to
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the converted reply
	 */
	public <T> CompletableFuture<T> request(String topic, Object payload, Class<T> replyType, Duration timeout) {
		Assert.notNull(replyType, "'replyType' must not be null");
		return request(topic, payload, timeout).thenApply(
				(reply) -> MqttPayloads.deserialize(topic, reply, replyType, this.template.getMessageConverter()));
	}

	/**
	 * Send a request given as a message (headers as for {@link MqttTemplate#publish(Message)};
	 * a response topic or correlation data set on it are replaced) and wait for its reply.
	 * @param message the request message
	 * @param timeout how long to wait for the reply
	 * @return a future that completes with the reply
	 */
	public CompletableFuture<Message<byte[]>> request(Message<?> message, Duration timeout) {
		Assert.notNull(message, "'message' must not be null");
		MessageHeaders headers = message.getHeaders();
		MqttHeaderMapper mapper = this.template.getHeaderMapper();
		String topic = String.valueOf(headers.get(MqttHeaders.TOPIC));
		int qos;
		boolean retain;
		try {
			topic = mapper.topic(headers);
			qos = mapper.qos(topic, headers, this.template.getDefaultQos());
			retain = mapper.retain(topic, headers, this.template.isDefaultRetain());
		}
		catch (IllegalArgumentException ex) {
			return this.template.rejected(topic, ex);
		}
		return doRequest(topic, message.getPayload(), qos, retain, headers, timeout);
	}

	private CompletableFuture<Message<byte[]>> doRequest(String topic, Object payload, int qos, boolean retain,
			@Nullable MessageHeaders headers, Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), () -> "'timeout' must be positive but was " + timeout);
		MqttConnection connection = this.template.getConnection();
		if (connection.getVersion() != MqttVersion.V5) {
			return this.template.rejected(topic, new IllegalStateException("Request-reply needs MQTT 5 (response topic"
					+ " and correlation data), but connection '" + connection.getClientId() + "' speaks MQTT "
					+ connection.getVersion().label() + "; set mqtt.version=5, or publish the request with a reply topic"
					+ " in its payload and subscribe to that topic with @MqttSubscribe"));
		}
		if (this.stopped) {
			return CompletableFuture.failedFuture(new MqttDeliveryException("The MqttTemplate is stopped; the request to '"
					+ topic + "' was not sent"));
		}
		String id = UUID.randomUUID().toString();
		String base = getReplyTopic();
		MqttOutboundMessage message;
		try {
			message = this.template.prepare(topic, payload, qos, retain, headers, base + "/" + id,
					id.getBytes(StandardCharsets.US_ASCII));
		}
		catch (IllegalArgumentException | IllegalStateException | MessageConversionException ex) {
			return this.template.rejected(topic, ex);
		}
		PendingRequest pending = new PendingRequest(id, topic, timeout);
		this.requests.put(id, pending);
		pending.timer = this.executors.schedule(pending, timeout.toNanos());
		CompletableFuture<MqttSubscriptionResult> subscribed = replySubscription(base);
		if (subscribed.isDone()) {
			sendRequest(pending, message, subscribed);
		}
		else {
			subscribed.whenCompleteAsync((result, ex) -> sendRequest(pending, message, subscribed),
					this.executors.sends());
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
			Throwable cause = MqttTemplate.unwrap(ex);
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
		this.template.send(message).whenComplete((ignored, ex) -> {
			if (ex != null) {
				pending.fail(MqttTemplate.unwrap(ex));
			}
		});
	}

	private CompletableFuture<MqttSubscriptionResult> replySubscription(String base) {
		CompletableFuture<MqttSubscriptionResult> current = this.replySubscribed;
		if (current != null && usable(current)) {
			return current;
		}
		MqttConnection connection = this.template.getConnection();
		MqttSubscription stale;
		synchronized (this.replyLock) {
			current = this.replySubscribed;
			if (current != null && usable(current)) {
				return current;
			}
			stale = this.replySubscription;
			int qos = Math.min(1, connection.getBrokerLimits().maximumQos());
			MqttSubscription subscription = new MqttSubscription(base + "/+", qos, this::onReply, REPLY_OWNER);
			this.replySubscription = subscription;
			current = connection.subscribe(subscription);
			this.replySubscribed = current;
		}
		if (stale != null) {
			connection.unsubscribe(stale);
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
		Message<byte[]> reply = this.template.getHeaderMapper().toMessage(message, null, Map.of());
		this.executors.replies().execute(() -> pending.succeed(reply));
	}

	private static @Nullable String correlationId(MqttInboundMessage message) {
		byte[] correlationData = message.getProperties().getCorrelationData();
		if (correlationData != null) {
			return new String(correlationData, StandardCharsets.UTF_8);
		}
		String topic = message.getTopic();
		int slash = topic.lastIndexOf('/');
		return (slash >= 0) ? topic.substring(slash + 1) : null;
	}

	static String defaultReplyTopic(String clientId) {
		StringBuilder topic = new StringBuilder(clientId.length() + 8);
		for (int i = 0; i < clientId.length(); i++) {
			char c = clientId.charAt(i);
			topic.append((c == '+' || c == '#' || c == '\u0000' || (i == 0 && c == '$')) ? '_' : c);
		}
		if (topic.length() == 0) {
			topic.append("mqtt");
		}
		return topic.append("/replies").toString();
	}

	@Override
	public String toString() {
		return "ReplyingMqttTemplate{clientId=" + this.template.getConnection().getClientId() + ", replyTopic="
				+ getReplyTopic() + "}";
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
			if (ReplyingMqttTemplate.this.requests.remove(this.id, this)) {
				cancelTimer();
				complete(reply);
			}
		}

		void fail(Throwable failure) {
			if (ReplyingMqttTemplate.this.requests.remove(this.id, this)) {
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

}
