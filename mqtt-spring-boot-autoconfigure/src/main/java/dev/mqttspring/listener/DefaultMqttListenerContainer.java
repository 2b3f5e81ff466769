package dev.mqttspring.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttQos;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * The default {@link MqttListenerContainer}: subscribes the listener's filters on the
 * shared connection ({@link ListenerSubscriptions}), queues what arrives without blocking
 * the client's thread and processes it on up to {@code concurrency} workers, in order per
 * ordering key ({@link ListenerWorkers}), acknowledges QoS 1/2 messages in arrival order
 * on receipt or after processing ({@link MqttAckMode}), and hands failures to a
 * {@link MqttContainerErrorHandler} (retry, the listener's error handler, dead-letter
 * topic). The guide explains threading, acknowledgements and back-pressure in full.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttListenerContainer implements MqttListenerContainer {

	/** Same as {@link DeadLetterPublishingMqttRecoverer#DLT_ORIGINAL_TOPIC}. */
	public static final String DLT_ORIGINAL_TOPIC = DeadLetterPublishingMqttRecoverer.DLT_ORIGINAL_TOPIC;

	/** Same as {@link DeadLetterPublishingMqttRecoverer#DLT_LISTENER_ID}. */
	public static final String DLT_LISTENER_ID = DeadLetterPublishingMqttRecoverer.DLT_LISTENER_ID;

	/** Same as {@link DeadLetterPublishingMqttRecoverer#DLT_EXCEPTION_CLASS}. */
	public static final String DLT_EXCEPTION_CLASS = DeadLetterPublishingMqttRecoverer.DLT_EXCEPTION_CLASS;

	/** Same as {@link DeadLetterPublishingMqttRecoverer#DLT_EXCEPTION_MESSAGE}. */
	public static final String DLT_EXCEPTION_MESSAGE = DeadLetterPublishingMqttRecoverer.DLT_EXCEPTION_MESSAGE;

	/**
	 * Default lifecycle phase: after the connection ({@code PahoConnections.PHASE}), so
	 * that containers start after it and stop before it.
	 */
	public static final int DEFAULT_PHASE = Integer.MAX_VALUE - 1000;

	/**
	 * The default of {@link #setQueueMemory}: 16 MiB.
	 */
	public static final long DEFAULT_QUEUE_MEMORY = 16L * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private final MqttConnection connection;

	private final String listenerId;

	private final List<String> topicFilters;

	private final int qos;

	private final @Nullable String group;

	private final ListenerSubscriptions subscriptions;

	private final ListenerWorkers workers;

	private final ListenerInvoker invoker;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

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

	private @Nullable MqttContainerErrorHandler containerErrorHandler;

	private volatile @Nullable MqttContainerErrorHandler effectiveErrorHandler;

	private @Nullable MqttOperations operations;

	private @Nullable String deadLetterTopic;

	private boolean failFast;

	private MqttSubscriptionOptions subscriptionOptions = MqttSubscriptionOptions.DEFAULTS;

	private @Nullable Executor taskExecutor;

	private MqttListenerObserver observer = MqttListenerObserver.NOOP;

	private int concurrency = 1;

	private @Nullable MqttOrderingKeyResolver orderingKeyResolver;

	private @Nullable MqttAckMode ackMode;

	private volatile boolean running;

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
		this.description = "'" + listenerId + "'";
		this.subscriptions = new ListenerSubscriptions(connection, listenerId, this.topicFilters, qos);
		this.invoker = new ListenerInvoker(listenerId, listener, this::isAbandoned);
		this.workers = new ListenerWorkers(listenerId, this.invoker::process, this::isRunning);
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
	 * Set how long to wait for a dead-letter publish to be acknowledged (with the default
	 * error handling).
	 * @param publishTimeout the timeout
	 */
	public void setPublishTimeout(Duration publishTimeout) {
		this.publishTimeout = publishTimeout;
		this.effectiveErrorHandler = null;
	}

	/**
	 * Set the back-off between attempts of a failed message, for the default error
	 * handling (when no {@link #setContainerErrorHandler container error handler} is set);
	 * the default does not retry.
	 * @param backOff the back-off
	 */
	public void setBackOff(BackOff backOff) {
		Assert.notNull(backOff, "'backOff' must not be null");
		this.backOff = backOff;
		this.effectiveErrorHandler = null;
	}

	/**
	 * Set the listener's own handler for failures once retries are exhausted; it runs
	 * before the dead-letter topic.
	 * @param errorHandler the handler, or {@code null}
	 */
	public void setErrorHandler(@Nullable MqttListenerErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	/**
	 * Set the failure policy (retry, recovery) in place of the default one, which is
	 * built from the {@link #setBackOff back-off}, the {@link #setDeadLetterTopic
	 * dead-letter topic} and the {@link #setDefaultErrorHandler default error handler}.
	 * @param containerErrorHandler the handler, or {@code null} for the default
	 */
	public void setContainerErrorHandler(@Nullable MqttContainerErrorHandler containerErrorHandler) {
		this.containerErrorHandler = containerErrorHandler;
		this.effectiveErrorHandler = null;
	}

	/**
	 * Set the operations dead letters are published through, normally the template of
	 * the listener's connection; by default a plain {@link MqttTemplate} on the connection.
	 * @param operations the operations, or {@code null} for the default
	 */
	public void setOperations(@Nullable MqttOperations operations) {
		this.operations = operations;
		this.effectiveErrorHandler = null;
	}

	/**
	 * Set the handler for failures that the listener's error handler did not take, when
	 * there is no dead-letter topic (with the default error handling); the default logs
	 * them.
	 * @param defaultErrorHandler the handler
	 */
	public void setDefaultErrorHandler(MqttListenerErrorHandler defaultErrorHandler) {
		Assert.notNull(defaultErrorHandler, "'defaultErrorHandler' must not be null");
		this.defaultErrorHandler = defaultErrorHandler;
		this.effectiveErrorHandler = null;
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
		this.effectiveErrorHandler = null;
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
		return this.subscriptions.getResults(this.running);
	}

	@Override
	public long getReceivedCount() {
		return this.workers.getReceivedCount();
	}

	@Override
	public long getProcessedCount() {
		return this.invoker.getProcessedCount();
	}

	@Override
	public long getFailedCount() {
		return this.invoker.getFailedCount();
	}

	@Override
	public long getDeadLetteredCount() {
		DeadLetterPublishingMqttRecoverer recoverer = DefaultMqttContainerErrorHandler
			.deadLetterRecoverer(this.effectiveErrorHandler);
		return (recoverer != null) ? recoverer.getDeadLetteredCount(this.listenerId) : 0;
	}

	@Override
	public long getDroppedCount() {
		return this.workers.getDroppedCount();
	}

	@Override
	public long getTooLargeCount() {
		return this.connection.getTooLargeCount(this.listenerId);
	}

	@Override
	public int getQueueSize() {
		return this.workers.getQueueSize();
	}

	@Override
	public int getActiveCount() {
		return this.workers.getActiveCount();
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

	private boolean isAbandoned() {
		return this.workers.isAbandoned();
	}

	@Override
	public void start() {
		List<CompletableFuture<MqttSubscriptionResult>> futures;
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.workers.configure(this.description, this.queueCapacity, this.queueMemory,
					getAckMode() == MqttAckMode.RECEIVED, this.concurrency, this.orderingKeyResolver, this.taskExecutor);
			this.invoker.configure(this.description, this.observer, this.errorHandler, errorHandler());
			this.running = true;
			try {
				futures = this.subscriptions.subscribe(this.description, this.subscriptionOptions, this.workers::offer);
			}
			catch (IllegalStateException ex) {
				this.running = false;
				throw ex;
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
		this.subscriptions.warnAboutMqtt311(this.subscriptionOptions);
		if (!this.connection.isConnected()) {
			logger.info("Listener " + this.description + " subscribes to " + this.topicFilters
					+ " when the MQTT connection is established");
			return;
		}
		List<String> problems = this.subscriptions.await(futures, this.subscribeTimeout);
		if (problems == null) {
			return;
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

	/**
	 * The error handling: the one set, else the default built from the properties; kept
	 * across restarts, so that its dead-letter count keeps counting.
	 */
	private MqttContainerErrorHandler errorHandler() {
		MqttContainerErrorHandler handler = this.effectiveErrorHandler;
		if (handler == null) {
			handler = (this.containerErrorHandler != null) ? this.containerErrorHandler
					: DefaultMqttContainerErrorHandler.of(this.backOff, this.deadLetterTopic,
							() -> (this.operations != null) ? this.operations : new MqttTemplate(this.connection),
							this.publishTimeout, this.defaultErrorHandler);
			this.effectiveErrorHandler = handler;
		}
		return handler;
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
		List<MqttSubscription> removed;
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				callback.run();
				return;
			}
			this.running = false;
			removed = this.subscriptions.removeAll();
		}
		finally {
			this.lifecycleLock.unlock();
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		this.subscriptions.release(removed, keepSubscriptions,
				Math.min(this.subscribeTimeout.toNanos(), Math.max(0, deadline - System.nanoTime())));
		this.workers.drain(deadline, this.shutdownTimeout.toMillis());
		callback.run();
	}

	@Override
	public String toString() {
		return "DefaultMqttListenerContainer{id=" + this.listenerId + ", filters=" + this.topicFilters + ", qos=" + this.qos
				+ ", running=" + this.running + "}";
	}

}
