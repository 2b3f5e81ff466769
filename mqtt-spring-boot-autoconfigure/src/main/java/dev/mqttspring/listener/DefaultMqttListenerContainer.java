package dev.mqttspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.messaging.Message;
import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttQos;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * The default {@link MqttListenerContainer}.
 * <p>
 * <b>Threading and ordering.</b> The connection hands each message to this container on
 * the client's delivery thread, which only appends it to the container's queue and never
 * blocks. Workers (tasks on the {@link #setTaskExecutor task executor}, started when
 * messages wait and ending when none came for a while) take the messages and run the
 * listener, so a slow listener stalls neither others nor the connection. With a
 * {@link #setConcurrency concurrency} of 1 (the default) one worker processes the
 * messages in arrival order. With n, up to n workers process messages in parallel, but
 * messages with the same {@link #setOrderingKeyResolver ordering key} (by default the
 * topic) one at a time, in arrival order; the next message a worker takes is the oldest
 * one whose key no other worker holds.
 * <p>
 * <b>Acknowledgements</b> ({@link #setAckMode ack mode}). With
 * {@link MqttAckMode#PROCESSED}, a QoS 1/2 message is acknowledged after the listener
 * returned normally, or after the error handling (retries, error handler, dead-letter
 * topic or logging) dealt with its failure; a message still queued or in progress when the
 * container stops and the shutdown timeout passes is left unacknowledged, so a broker that
 * keeps the session redelivers it on the next connection. Whatever the mode and the
 * concurrency, a listener's acknowledgements go out in arrival order, as MQTT asks: a
 * message processed before an earlier one (of another key) is acknowledged right after
 * it. With
 * {@link MqttAckMode#RECEIVED}, a message is acknowledged as soon as it is in the queue
 * while the queue holds no more than its capacity, so that a slow listener does not hold
 * back the acknowledgements of the connection's other listeners (the HiveMQ client
 * acknowledges in arrival order). Without a mode set, the container uses
 * {@code RECEIVED} on a connection that {@linkplain MqttConnection#isAcknowledgingInArrivalOrder()
 * acknowledges in arrival order} and {@code PROCESSED} otherwise.
 * <p>
 * <b>Back-pressure.</b> The queue is bounded by a {@link #setQueueCapacity capacity}
 * (messages) and a {@link #setQueueMemory memory} bound (bytes of payload and topic); the
 * delivery thread never blocks. Queued QoS 1/2 messages beyond either bound are not
 * acknowledged (with {@code PROCESSED} none is), so the broker's flow control stops
 * sending once the client's receive maximum (MQTT 5) or the broker's in-flight limit
 * (MQTT 3.1.1) of unacknowledged messages is reached; so the queue of a QoS 1/2 listener is
 * bounded by the bounds plus that window. When the queue grows past a bound the container
 * logs a warning once. QoS 0 has no acknowledgement and no flow control in MQTT: a QoS 0
 * message that arrives while the queue is at either bound is dropped (the newest is
 * dropped, the queued ones are kept), counted ({@link #getDroppedCount()}) and logged at
 * most every ten seconds; subscribe with QoS 1 where every message matters.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttListenerContainer implements MqttListenerContainer {

	/**
	 * User property of a dead-lettered message: the topic the message was received on.
	 */
	public static final String DLT_ORIGINAL_TOPIC = "dlt-original-topic";

	/**
	 * User property of a dead-lettered message: the id of the listener that failed.
	 */
	public static final String DLT_LISTENER_ID = "dlt-listener-id";

	/**
	 * User property of a dead-lettered message: the class name of the root cause.
	 */
	public static final String DLT_EXCEPTION_CLASS = "dlt-exception-class";

	/**
	 * User property of a dead-lettered message: the message of the root cause.
	 */
	public static final String DLT_EXCEPTION_MESSAGE = "dlt-exception-message";

	/**
	 * Default lifecycle phase: after the connection ({@code PahoConnections.PHASE}), so
	 * that containers start after it and stop before it.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 1000;

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private static final int MAX_EXCEPTION_MESSAGE = 1000;

	/**
	 * The default of {@link #setQueueMemory}: 16 MiB.
	 */
	public static final long DEFAULT_QUEUE_MEMORY = 16L * 1024 * 1024;

	private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final MqttConnection connection;

	private final String listenerId;

	private final List<String> topicFilters;

	private final int qos;

	private final @Nullable String group;

	private final MqttMessageListener listener;

	private String description;

	private boolean autoStartup = true;

	private int phase = DEFAULT_PHASE;

	private int queueCapacity = 1000;

	private long queueMemory = DEFAULT_QUEUE_MEMORY;

	private Duration shutdownTimeout = Duration.ofSeconds(10);

	private Duration subscribeTimeout = Duration.ofSeconds(10);

	private Duration publishTimeout = Duration.ofSeconds(30);

	private BackOff backOff = new FixedBackOff(0, 0);

	private @Nullable MqttListenerErrorHandler errorHandler;

	private MqttListenerErrorHandler defaultErrorHandler = new LoggingMqttListenerErrorHandler();

	private @Nullable String deadLetterTopic;

	private boolean failFast;

	private boolean sharedSubscriptionWarned;

	private MqttSubscriptionOptions subscriptionOptions = MqttSubscriptionOptions.DEFAULTS;

	private boolean subscriptionOptionsWarned;

	private @Nullable Executor taskExecutor;

	private MqttListenerObserver observer = MqttListenerObserver.NOOP;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final ReentrantLock queueLock = new ReentrantLock();

	private final Condition idle = this.queueLock.newCondition();

	private final Condition notEmpty = this.queueLock.newCondition();

	/**
	 * How long an idle worker waits for the next message before its thread ends; keeps one
	 * thread per busy listener instead of one per message.
	 */
	private static final long WORKER_LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

	private final ListenerQueue queue = new ListenerQueue();

	private int concurrency = 1;

	private @Nullable MqttOrderingKeyResolver orderingKeyResolver;

	private boolean orderingKeyFailureLogged;

	/**
	 * Worker tasks alive (processing, looking for a message or lingering), those lingering
	 * and not claimed, and the lingering ones claimed for a message but not awake yet.
	 */
	private int workers;

	private int idleWorkers;

	private int wakeups;

	private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();

	private @Nullable MqttAckMode ackMode;

	private volatile boolean ackOnReceipt;

	private boolean overCapacity;

	private long dropsSinceLog;

	private long dropLoggedAt;

	private volatile boolean abandoned;

	private volatile boolean running;

	private final List<MqttSubscription> subscriptions = new ArrayList<>();

	private final Map<String, MqttSubscriptionResult> results = Collections.synchronizedMap(new LinkedHashMap<>());

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong processed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong deadLettered = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	/**
	 * Create a new container.
	 * @param connection the shared connection
	 * @param listenerId the unique listener id
	 * @param topicFilters the filters to subscribe to, already validated
	 * @param qos the requested QoS
	 * @param group the shared subscription group the filters belong to, or {@code null}
	 * @param listener the listener
	 */
	public DefaultMqttListenerContainer(MqttConnection connection, String listenerId, List<String> topicFilters, int qos,
			@Nullable String group, MqttMessageListener listener) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.hasText(listenerId, "'listenerId' must not be empty");
		Assert.notEmpty(topicFilters, "'topicFilters' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		MqttQos.validate(qos, "QoS of listener '" + listenerId + "'");
		topicFilters.forEach(MqttTopics::validateTopicFilter);
		this.connection = connection;
		this.listenerId = listenerId;
		this.topicFilters = List.copyOf(topicFilters);
		this.qos = qos;
		this.group = group;
		this.listener = listener;
		this.description = "'" + listenerId + "'";
	}

	/**
	 * Set what the listener is for log and exception messages, such as its bean method.
	 * @param description the description
	 */
	public void setDescription(String description) {
		this.description = "'" + this.listenerId + "' (" + description + ")";
	}

	/**
	 * Set whether the registry starts this container with the application.
	 * @param autoStartup whether to start automatically
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Set the lifecycle phase.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	/**
	 * Set how many messages may wait before the container reports back-pressure.
	 * @param queueCapacity the capacity
	 */
	public void setQueueCapacity(int queueCapacity) {
		Assert.isTrue(queueCapacity > 0, "'queueCapacity' must be positive");
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Set how many bytes (payload plus topic of each message) may wait, a second bound
	 * next to the {@link #setQueueCapacity capacity}: beyond it QoS 1/2 acknowledgements
	 * are withheld and QoS 0 messages dropped.
	 * @param queueMemory the bound in bytes
	 */
	public void setQueueMemory(long queueMemory) {
		Assert.isTrue(queueMemory > 0, "'queueMemory' must be positive");
		this.queueMemory = queueMemory;
	}

	/**
	 * Set when a QoS 1/2 message is acknowledged to the broker; by default on receipt
	 * when the connection {@linkplain MqttConnection#isAcknowledgingInArrivalOrder()
	 * acknowledges in arrival order}, else after processing.
	 * @param ackMode the mode, or {@code null} for the connection's default
	 */
	public void setAckMode(@Nullable MqttAckMode ackMode) {
		this.ackMode = ackMode;
	}

	/**
	 * Return when a QoS 1/2 message is acknowledged to the broker.
	 * @return the mode set, else the default for the connection
	 */
	public MqttAckMode getAckMode() {
		if (this.ackMode != null) {
			return this.ackMode;
		}
		return this.connection.isAcknowledgingInArrivalOrder() ? MqttAckMode.RECEIVED : MqttAckMode.PROCESSED;
	}

	/**
	 * Set how long {@link #stop()} lets queued and in-progress work finish.
	 * @param shutdownTimeout the timeout
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Set how long {@link #start()} waits for the broker to answer the subscriptions when
	 * connected.
	 * @param subscribeTimeout the timeout
	 */
	public void setSubscribeTimeout(Duration subscribeTimeout) {
		this.subscribeTimeout = subscribeTimeout;
	}

	/**
	 * Set how long to wait for a dead-letter publish to be acknowledged.
	 * @param publishTimeout the timeout
	 */
	public void setPublishTimeout(Duration publishTimeout) {
		this.publishTimeout = publishTimeout;
	}

	/**
	 * Set the back-off between attempts of a failed message; the default does not retry.
	 * @param backOff the back-off
	 */
	public void setBackOff(BackOff backOff) {
		Assert.notNull(backOff, "'backOff' must not be null");
		this.backOff = backOff;
	}

	/**
	 * Set the handler for failures once retries are exhausted.
	 * @param errorHandler the handler, or {@code null}
	 */
	public void setErrorHandler(@Nullable MqttListenerErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	/**
	 * Set the handler for failures that neither the error handler nor the dead-letter topic
	 * took; the default logs them.
	 * @param defaultErrorHandler the handler
	 */
	public void setDefaultErrorHandler(MqttListenerErrorHandler defaultErrorHandler) {
		Assert.notNull(defaultErrorHandler, "'defaultErrorHandler' must not be null");
		this.defaultErrorHandler = defaultErrorHandler;
	}

	/**
	 * Set the topic failed messages are republished to, with the error in MQTT 5 user
	 * properties.
	 * @param deadLetterTopic the topic, or {@code null} for none
	 */
	public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
		if (deadLetterTopic != null) {
			MqttTopics.validateTopicName(deadLetterTopic);
		}
		this.deadLetterTopic = deadLetterTopic;
	}

	/**
	 * Set whether {@link #start()} fails when the broker refuses a subscription, grants a
	 * lower QoS than requested, or does not answer in time.
	 * @param failFast whether to fail
	 */
	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	/**
	 * Set the executor that runs the worker; by default a new thread named after the
	 * listener for each burst of messages.
	 * @param taskExecutor the executor
	 */
	public void setTaskExecutor(@Nullable Executor taskExecutor) {
		this.taskExecutor = taskExecutor;
	}

	/**
	 * Set the MQTT 5 subscription options of the listener's subscriptions (no local,
	 * retain as published, retain handling); ignored with a warning on MQTT 3.1.1. They
	 * apply to every SUBSCRIBE, also after a reconnect.
	 * @param subscriptionOptions the options
	 */
	public void setSubscriptionOptions(MqttSubscriptionOptions subscriptionOptions) {
		Assert.notNull(subscriptionOptions, "'subscriptionOptions' must not be null");
		this.subscriptionOptions = subscriptionOptions;
	}

	/**
	 * Return the MQTT 5 subscription options.
	 * @return the options
	 */
	public MqttSubscriptionOptions getSubscriptionOptions() {
		return this.subscriptionOptions;
	}

	/**
	 * Set how many messages the listener may process at the same time: messages with the
	 * same {@link #setOrderingKeyResolver ordering key} (by default the topic) one at a
	 * time in arrival order, messages with different keys in parallel on up to this many
	 * workers. With 1 (the default) all messages are processed one at a time in arrival
	 * order. Acknowledgements go out in arrival order either way.
	 * @param concurrency the number of workers, 1 or more
	 */
	public void setConcurrency(int concurrency) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("Invalid concurrency " + concurrency + " of listener " + this.description
					+ ": it is the number of messages processed at the same time; use 1 (one at a time, the default) or more");
		}
		this.concurrency = concurrency;
	}

	@Override
	public int getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Set what decides the order of messages with a {@link #setConcurrency concurrency}
	 * above 1: messages with equal keys are processed one at a time in arrival order.
	 * @param orderingKeyResolver the resolver, or {@code null} to order by topic
	 */
	public void setOrderingKeyResolver(@Nullable MqttOrderingKeyResolver orderingKeyResolver) {
		this.orderingKeyResolver = orderingKeyResolver;
	}

	/**
	 * Set the observer of listener invocations (metrics, tracing); it is called on the
	 * worker thread around each attempt.
	 * @param observer the observer
	 */
	public void setObserver(MqttListenerObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.observer = observer;
	}

	/**
	 * Return the connection the container subscribes through.
	 * @return the connection
	 */
	public MqttConnection getConnection() {
		return this.connection;
	}

	@Override
	public String getListenerId() {
		return this.listenerId;
	}

	@Override
	public List<String> getTopicFilters() {
		return this.topicFilters;
	}

	@Override
	public int getQos() {
		return this.qos;
	}

	@Override
	public @Nullable String getGroup() {
		return this.group;
	}

	/**
	 * Return the dead-letter topic.
	 * @return the topic or {@code null}
	 */
	public @Nullable String getDeadLetterTopic() {
		return this.deadLetterTopic;
	}

	@Override
	public List<MqttSubscriptionResult> getSubscriptionResults() {
		Map<String, MqttSubscriptionResult> latest = new LinkedHashMap<>(this.results);
		if (this.running) {
			for (SubscriptionState state : this.connection.getSubscriptions()) {
				MqttSubscriptionResult result = state.result();
				if (result != null && latest.containsKey(state.filter()) && state.owners().contains(this.listenerId)) {
					latest.put(state.filter(), result);
				}
			}
		}
		return List.copyOf(latest.values());
	}

	@Override
	public long getReceivedCount() {
		return this.received.get();
	}

	@Override
	public long getProcessedCount() {
		return this.processed.get();
	}

	@Override
	public long getFailedCount() {
		return this.failed.get();
	}

	@Override
	public long getDeadLetteredCount() {
		return this.deadLettered.get();
	}

	@Override
	public long getDroppedCount() {
		return this.dropped.get();
	}

	@Override
	public long getTooLargeCount() {
		return this.connection.getTooLargeCount(this.listenerId);
	}

	@Override
	public int getQueueSize() {
		this.queueLock.lock();
		try {
			return this.queue.size();
		}
		finally {
			this.queueLock.unlock();
		}
	}

	@Override
	public int getActiveCount() {
		this.queueLock.lock();
		try {
			return this.queue.inProgress();
		}
		finally {
			this.queueLock.unlock();
		}
	}

	// ---- lifecycle

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * MQTT 3.1.1 cannot announce whether the broker supports shared subscriptions; one
	 * that does not (RabbitMQ's MQTT plugin) grants {@code $share/<group>/<filter>} as a
	 * literal filter, and the listener then never receives a message while everything
	 * looks healthy. Say so once, naming the listener and the check to make.
	 */
	private void warnIfSharedSubscriptionUnverifiable() {
		if (this.sharedSubscriptionWarned || this.connection.getVersion() != MqttVersion.V3_1_1) {
			return;
		}
		List<String> shared = this.topicFilters.stream().filter(MqttTopics::isShared).toList();
		if (!shared.isEmpty()) {
			this.sharedSubscriptionWarned = true;
			logger.warn("Listener " + this.description + " subscribes to the shared subscription(s) " + shared
					+ " over MQTT 3.1.1, which cannot announce whether the broker supports shared subscriptions. "
					+ "A broker without them (such as RabbitMQ's MQTT plugin) grants '$share/...' as a literal topic "
					+ "filter and the listener never receives a message while health is UP. Check that it receives a "
					+ "message published to '" + MqttTopics.stripShare(shared.get(0)) + "' (or use mqtt.version=5, "
					+ "where the broker announces it); without shared subscription support, remove 'group'");
		}
	}

	private void warnIfSubscriptionOptionsIgnored() {
		if (this.subscriptionOptionsWarned || this.subscriptionOptions.isDefault()
				|| this.connection.getVersion() != MqttVersion.V3_1_1) {
			return;
		}
		this.subscriptionOptionsWarned = true;
		logger.warn("Listener " + this.description + " sets the MQTT 5 subscription options " + this.subscriptionOptions
				+ " (@MqttSubscribe or mqtt.listener.no-local, retain-as-published, retain-handling), but the connection "
				+ "uses MQTT 3.1.1, which has no subscription options: they are ignored, so the broker sends this "
				+ "connection its own messages, clears the retain flag of forwarded messages and sends retained messages "
				+ "on every subscribe. Use mqtt.version=5 to apply them");
	}

	@Override
	public void start() {
		List<CompletableFuture<MqttSubscriptionResult>> futures = new ArrayList<>();
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.abandoned = false;
			this.ackOnReceipt = getAckMode() == MqttAckMode.RECEIVED;
			this.queueLock.lock();
			try {
				this.queue.configure(this.queueCapacity, this.queueMemory, this.ackOnReceipt);
			}
			finally {
				this.queueLock.unlock();
			}
			this.results.clear();
			this.running = true;
			MqttSubscriptionOptions options = (this.connection.getVersion() == MqttVersion.V3_1_1)
					? MqttSubscriptionOptions.DEFAULTS : this.subscriptionOptions;
			try {
				for (int i = 0; i < this.topicFilters.size(); i++) {
					String filter = this.topicFilters.get(i);
					int index = i;
					MqttSubscription subscription = new MqttSubscription(filter, this.qos,
							(message) -> receive(message, index), this.listenerId, options);
					futures.add(this.connection.subscribe(subscription).whenComplete((result, ex) -> {
						if (result != null) {
							onSubscribed(result);
						}
					}));
					this.subscriptions.add(subscription);
				}
			}
			catch (RuntimeException ex) {
				// refused before anything was sent (options that conflict with another listener's)
				this.subscriptions.forEach(this.connection::unsubscribe);
				this.subscriptions.clear();
				this.running = false;
				throw new IllegalStateException("Listener " + this.description + " could not subscribe: " + ex.getMessage(),
						ex);
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
		warnIfSharedSubscriptionUnverifiable();
		warnIfSubscriptionOptionsIgnored();
		if (!this.connection.isConnected()) {
			logger.info("Listener " + this.description + " subscribes to " + this.topicFilters
					+ " when the MQTT connection is established");
			return;
		}
		List<String> problems = new ArrayList<>();
		long deadline = System.nanoTime() + this.subscribeTimeout.toNanos();
		for (int i = 0; i < futures.size(); i++) {
			String filter = this.topicFilters.get(i);
			try {
				MqttSubscriptionResult result = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (!result.isGranted() || result.isDowngraded()) {
					problems.add("the broker " + (result.isGranted() ? "granted '" + filter + "' only with " : "refused '" + filter + "': ")
							+ result.reason());
				}
			}
			catch (TimeoutException ex) {
				problems.add("the broker did not answer the subscription to '" + filter + "' within "
						+ this.subscribeTimeout.toMillis() + " ms");
				logger.warn("Listener " + this.description + ": the broker did not answer the subscription to '" + filter
						+ "' within " + this.subscribeTimeout.toMillis() + " ms; messages arrive once it does");
			}
			catch (ExecutionException ex) {
				problems.add("subscribing to '" + filter + "' failed: " + ex.getCause().getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		if (this.failFast && !problems.isEmpty()) {
			stop();
			throw new IllegalStateException("Listener " + this.description + " could not subscribe: "
					+ String.join("; ", problems) + ". Check the broker's ACL and limits, or set mqtt.fail-fast=false "
					+ "to start anyway and report the subscription in health");
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Listener " + this.description + " started on " + this.topicFilters);
		}
	}

	private void onSubscribed(MqttSubscriptionResult result) {
		this.results.put(result.filter(), result);
		if (!result.isGranted()) {
			logger.error("Listener " + this.description + " receives nothing from '" + result.filter()
					+ "': the broker refused the subscription: " + result.reason());
		}
		else if (result.isDowngraded()) {
			logger.warn("Listener " + this.description + " subscribed to '" + result.filter() + "' but the broker "
					+ result.reason());
		}
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		stop(callback, false);
	}

	@Override
	public void shutdown(Runnable callback) {
		stop(callback, this.connection.isSessionPersistent());
	}

	private void stop(Runnable callback, boolean keepSubscriptions) {
		List<MqttSubscription> toRemove;
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				callback.run();
				return;
			}
			this.running = false;
			toRemove = new ArrayList<>(this.subscriptions);
			this.subscriptions.clear();
		}
		finally {
			this.lifecycleLock.unlock();
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		List<CompletableFuture<Void>> unsubscribed = new ArrayList<>();
		for (MqttSubscription subscription : toRemove) {
			unsubscribed.add(keepSubscriptions ? this.connection.detach(subscription)
					: this.connection.unsubscribe(subscription));
		}
		if (keepSubscriptions && logger.isDebugEnabled()) {
			logger.debug("Listener " + this.description + " stops; the broker keeps its subscriptions to "
					+ this.topicFilters + " in the session");
		}
		try {
			CompletableFuture.allOf(unsubscribed.toArray(new CompletableFuture[0]))
				.get(Math.min(this.subscribeTimeout.toNanos(), Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("Listener " + this.description + ": unsubscribe not acknowledged: " + ex);
		}
		awaitIdle(deadline);
		callback.run();
	}

	private void awaitIdle(long deadline) {
		int left;
		int unacknowledged;
		this.queueLock.lock();
		try {
			this.notEmpty.signalAll();
			while (isBusy()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				try {
					this.idle.awaitNanos(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			if (!isBusy()) {
				return;
			}
			this.abandoned = true;
			left = this.queue.size() + this.queue.inProgress();
			unacknowledged = this.queue.unacknowledged();
			this.queue.clear();
			this.notEmpty.signalAll();
		}
		finally {
			this.queueLock.unlock();
		}
		this.workerThreads.forEach(Thread::interrupt);
		String outcome = (!this.ackOnReceipt || unacknowledged >= left)
				? " message(s) are left unprocessed and, with " + unacknowledged + " unacknowledged message(s) in all, are "
						+ "redelivered on the next connection if the broker keeps the session"
				: " message(s) are left unprocessed: " + (left - unacknowledged) + " of them were acknowledged on receipt "
						+ "(mqtt.listener.ack-mode=received) and are lost, " + unacknowledged
						+ " are redelivered on the next connection if the broker keeps the session";
		logger.warn("Listener " + this.description + " did not finish within the shutdown timeout of "
				+ this.shutdownTimeout.toMillis() + " ms (mqtt.listener.shutdown-timeout); " + left + outcome);
	}

	/**
	 * Whether messages are queued or in progress (holding the queue lock).
	 */
	private boolean isBusy() {
		return this.queue.size() > 0 || this.queue.inProgress() > 0;
	}

	// ---- receiving (on the client's delivery thread: never block)

	private void receive(MqttInboundMessage message, int filterIndex) {
		if (filterIndex > 0 && filterIndex != firstMatchingFilter(message.getTopic())) {
			// the same message through another, overlapping filter of this listener: the broker
			// sends (MQTT 5 brokers such as mosquitto) or the connection dispatches one copy per
			// matching subscription; only the copy for the first matching filter is processed
			message.acknowledge();
			return;
		}
		boolean startWorker = false;
		boolean dropped = false;
		long dropsToLog = 0;
		long bytes = bytes(message);
		Object key = orderingKey(message);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>(1);
		this.queueLock.lock();
		try {
			this.received.incrementAndGet();
			if (message.getQos() == 0 && this.queue.isFull(bytes)) {
				dropped = true;
				this.dropped.incrementAndGet();
				this.dropsSinceLog++;
				long now = System.nanoTime();
				if (this.dropsSinceLog == this.dropped.get() || now - this.dropLoggedAt >= DROP_LOG_INTERVAL_NANOS) {
					dropsToLog = this.dropsSinceLog;
					this.dropsSinceLog = 0;
					this.dropLoggedAt = now;
				}
			}
			else {
				if (this.queue.add(message, key, bytes, toAcknowledge)) {
					startWorker = claimWorker();
				}
				warnAboutBounds(this.queue.size());
			}
		}
		finally {
			this.queueLock.unlock();
		}
		if (dropped) {
			message.acknowledge();
			if (dropsToLog > 0) {
				logDrop(message, bytes, dropsToLog);
			}
			return;
		}
		acknowledge(toAcknowledge);
		if (startWorker) {
			startWorker();
		}
	}

	/**
	 * A key became ready: wake an idle worker, or return whether to start one (holding
	 * the queue lock).
	 */
	private boolean claimWorker() {
		if (this.idleWorkers > 0) {
			this.idleWorkers--;
			this.wakeups++;
			this.notEmpty.signal();
			return false;
		}
		if (this.workers < this.concurrency) {
			this.workers++;
			return true;
		}
		return false;
	}

	private Object orderingKey(MqttInboundMessage message) {
		if (this.concurrency == 1) {
			return ListenerQueue.SINGLE_KEY;
		}
		MqttOrderingKeyResolver resolver = this.orderingKeyResolver;
		if (resolver == null) {
			return message.getTopic();
		}
		try {
			Object key = resolver.resolveOrderingKey(message);
			return (key != null) ? key : new Object();
		}
		catch (RuntimeException ex) {
			if (!this.orderingKeyFailureLogged) {
				this.orderingKeyFailureLogged = true;
				logger.error("The ordering key resolver of listener " + this.description + " failed on a message from '"
						+ message.getTopic() + "'; such messages are ordered by their topic (logged once)", ex);
			}
			return message.getTopic();
		}
	}

	private static void acknowledge(List<MqttInboundMessage> messages) {
		for (int i = 0; i < messages.size(); i++) {
			messages.get(i).acknowledge();
		}
	}

	private static long bytes(MqttInboundMessage message) {
		return (long) message.getPayload().length + message.getTopic().length();
	}

	private void logDrop(MqttInboundMessage message, long bytes, long drops) {
		logger.warn("Listener " + this.description + " dropped " + ((drops > 1) ? drops + " QoS 0 messages in the last "
				+ TimeUnit.NANOSECONDS.toSeconds(DROP_LOG_INTERVAL_NANOS) + " s, the last" : "a QoS 0 message")
				+ " on '" + message.getTopic() + "' (" + bytes + " bytes): its queue is full (" + this.queueCapacity
				+ " messages, mqtt.listener.queue-capacity, or " + this.queueMemory
				+ " bytes, mqtt.listener.queue-memory) and MQTT cannot slow QoS 0 publishers down; " + this.dropped.get()
				+ " dropped in total (meter mqtt.listener.dropped, reason queue-full). Subscribe with QoS 1 where every "
				+ "message matters");
	}

	/**
	 * Warn once when the queue grows past a bound (holding the queue lock).
	 */
	private void warnAboutBounds(int size) {
		long queuedBytes = this.queue.bytes();
		if ((size > this.queueCapacity || queuedBytes > this.queueMemory) && !this.overCapacity) {
			this.overCapacity = true;
			logger.warn("Listener " + this.description + " has " + size + " messages (" + queuedBytes
					+ " bytes) waiting, more than its queue capacity of " + this.queueCapacity
					+ " (mqtt.listener.queue-capacity) or " + this.queueMemory + " bytes (mqtt.listener.queue-memory): "
					+ "it is slower than its publishers. Acknowledgements of QoS 1/2 messages are withheld until "
					+ (this.ackOnReceipt ? "the queue has room" : "messages are processed")
					+ ", so the broker slows down; QoS 0 messages are dropped while the queue is full");
		}
		else if (size <= this.queueCapacity / 2 && queuedBytes <= this.queueMemory / 2) {
			this.overCapacity = false;
		}
	}

	private int firstMatchingFilter(String topic) {
		for (int i = 0; i < this.topicFilters.size(); i++) {
			String filter = this.topicFilters.get(i);
			MqttSubscriptionResult result = this.results.get(filter);
			if ((result == null || result.isGranted()) && MqttTopics.matches(filter, topic)) {
				return i;
			}
		}
		return -1;
	}

	private void startWorker() {
		Executor executor = this.taskExecutor;
		try {
			if (executor != null) {
				executor.execute(this::work);
			}
			else {
				SimpleAsyncTaskExecutor fallback = new SimpleAsyncTaskExecutor("mqtt-listener-" + this.listenerId + "-");
				fallback.execute(this::work);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Listener " + this.description + " could not start its worker; processing on a new thread", ex);
			Thread thread = new Thread(this::work, "mqtt-listener-" + this.listenerId);
			thread.setDaemon(true);
			thread.start();
		}
	}

	/**
	 * A worker: takes the next message whose key no other worker holds, processes it, and
	 * lingers a while when there is none before it ends.
	 */
	private void work() {
		Thread thread = Thread.currentThread();
		this.workerThreads.add(thread);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		try {
			while (true) {
				ListenerQueue.Entry entry;
				this.queueLock.lock();
				try {
					entry = this.abandoned ? null : this.queue.take(toAcknowledge);
					while (entry == null) {
						if (!isBusy()) {
							this.overCapacity = false;
							this.idle.signalAll();
						}
						if (this.abandoned || !linger()) {
							this.workers--;
							return;
						}
						entry = this.queue.take(toAcknowledge);
					}
				}
				finally {
					this.queueLock.unlock();
				}
				acknowledge(toAcknowledge);
				toAcknowledge.clear();
				boolean acknowledge = process(entry.message);
				this.queueLock.lock();
				try {
					this.queue.complete(entry, acknowledge && !this.abandoned, toAcknowledge);
				}
				finally {
					this.queueLock.unlock();
				}
				acknowledge(toAcknowledge);
				toAcknowledge.clear();
			}
		}
		finally {
			this.workerThreads.remove(thread);
			Thread.interrupted();
		}
	}

	/**
	 * Wait (holding the queue lock) to be woken for a message; return whether this worker
	 * was woken, else it ends.
	 */
	private boolean linger() {
		this.idleWorkers++;
		long remaining = WORKER_LINGER_NANOS;
		try {
			while (this.wakeups == 0 && this.running && !this.abandoned && remaining > 0) {
				remaining = this.notEmpty.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.wakeups > 0) {
			// the waker counted this worker as no longer idle
			this.wakeups--;
			return true;
		}
		this.idleWorkers--;
		return false;
	}

	// ---- processing (on the worker thread)

	/**
	 * Process a message with retries and error handling; return whether it may be
	 * acknowledged.
	 */
	private boolean process(MqttInboundMessage message) {
		BackOffExecution backOffExecution = null;
		int attempts = 0;
		while (true) {
			attempts++;
			Throwable ex = invoke(message);
			if (ex == null) {
				this.processed.incrementAndGet();
				return true;
			}
			if (this.abandoned) {
				return false;
			}
			if (backOffExecution == null) {
				backOffExecution = this.backOff.start();
			}
			long interval = backOffExecution.nextBackOff();
			if (interval != BackOffExecution.STOP) {
				if (logger.isDebugEnabled()) {
					logger.debug("Listener " + this.description + " failed on '" + message.getTopic() + "' (attempt "
							+ attempts + "); retrying in " + interval + " ms: " + ex);
				}
				if (!sleep(interval)) {
					return false;
				}
				continue;
			}
			this.failed.incrementAndGet();
			MqttListenerExecutionFailedException failure = asFailure(message, ex, attempts);
			return handleFailure(message, failure);
		}
	}

	/**
	 * Invoke the listener once, observed; return what it threw or {@code null}.
	 */
	private @Nullable Throwable invoke(MqttInboundMessage message) {
		MqttListenerObserver.Handle handle;
		try {
			handle = this.observer.start(this.listenerId, message);
		}
		catch (Throwable ex) {
			logger.debug("Listener observer failed to start", ex);
			handle = MqttListenerObserver.Handle.NOOP;
		}
		Throwable failure = null;
		try {
			this.listener.onMessage(message);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			try {
				handle.stop(failure);
			}
			catch (Throwable ex) {
				logger.debug("Listener observer failed to stop", ex);
			}
		}
		return failure;
	}

	private boolean sleep(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !this.abandoned;
		}
	}

	private MqttListenerExecutionFailedException asFailure(MqttInboundMessage message, Throwable ex, int attempts) {
		String suffix = (attempts > 1) ? " (after " + attempts + " attempts)" : "";
		if (ex instanceof MqttListenerExecutionFailedException failure) {
			if (suffix.isEmpty()) {
				return failure;
			}
			return new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(), failure.getMessage() + suffix,
					failure.getCause());
		}
		return new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(), "Listener " + this.description
				+ " failed on the message from '" + message.getTopic() + "'" + suffix + ": " + ex, ex);
	}

	/**
	 * Run the error handling; return whether the message may be acknowledged.
	 */
	private boolean handleFailure(MqttInboundMessage message, MqttListenerExecutionFailedException failure) {
		Message<byte[]> springMessage = MqttMessageHeaderMapper.toMessage(message, this.listenerId, Map.of());
		MqttListenerExecutionFailedException current = failure;
		if (this.errorHandler != null) {
			try {
				this.errorHandler.handleError(springMessage, failure);
				return true;
			}
			catch (Throwable ex) {
				if (this.abandoned) {
					return false;
				}
				current = (ex instanceof MqttListenerExecutionFailedException mlefe) ? mlefe
						: new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(),
								failure.getMessage() + "; the error handler threw: " + ex, ex);
			}
		}
		if (this.deadLetterTopic != null && deadLetter(message, current, this.deadLetterTopic)) {
			return true;
		}
		try {
			this.defaultErrorHandler.handleError(springMessage, current);
		}
		catch (Throwable ex) {
			logger.error("Default error handler of listener " + this.description + " failed", ex);
		}
		return true;
	}

	private boolean deadLetter(MqttInboundMessage message, MqttListenerExecutionFailedException failure, String topic) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String exceptionMessage = printable(String.valueOf(root.getMessage()));
		MqttMessageProperties properties = message.getProperties()
			.toBuilder()
			.subscriptionIdentifiers(List.of())
			.userProperty(DLT_ORIGINAL_TOPIC, message.getTopic())
			.userProperty(DLT_LISTENER_ID, this.listenerId)
			.userProperty(DLT_EXCEPTION_CLASS, root.getClass().getName())
			.userProperty(DLT_EXCEPTION_MESSAGE, exceptionMessage)
			.build();
		try {
			this.connection.publish(new MqttOutboundMessage(topic, message.getPayload(), message.getQos(), false, properties))
				.get(this.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
			this.deadLettered.incrementAndGet();
			logger.warn(failure.getMessage() + "; republished to the dead-letter topic '" + topic + "'");
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.error("Interrupted while republishing the failed message from '" + message.getTopic()
					+ "' to the dead-letter topic '" + topic + "'");
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			logger.error("Could not republish the failed message from '" + message.getTopic() + "' to the dead-letter topic '"
					+ topic + "': " + cause);
			return false;
		}
	}

	/**
	 * Shorten the text and replace control characters, which MQTT clients refuse in
	 * UTF-8 strings (Paho drops the connection).
	 */
	private static String printable(String text) {
		String shortened = (text.length() > MAX_EXCEPTION_MESSAGE) ? text.substring(0, MAX_EXCEPTION_MESSAGE) + "..." : text;
		StringBuilder result = new StringBuilder(shortened.length());
		for (int i = 0; i < shortened.length(); i++) {
			char c = shortened.charAt(i);
			result.append((c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c) && !validSurrogate(shortened, i)) ? ' ' : c);
		}
		return result.toString();
	}

	private static boolean validSurrogate(String text, int i) {
		char c = text.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
	}

	@Override
	public String toString() {
		return "DefaultMqttListenerContainer{id=" + this.listenerId + ", filters=" + this.topicFilters + ", qos=" + this.qos
				+ ", running=" + this.running + "}";
	}

}
