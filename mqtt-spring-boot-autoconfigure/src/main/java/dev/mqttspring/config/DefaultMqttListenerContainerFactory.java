package dev.mqttspring.config;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttContainerErrorHandler;
import dev.mqttspring.listener.MqttListenerErrorHandler;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * Creates {@link DefaultMqttListenerContainer}s on one connection with common defaults;
 * the auto-configuration applies the {@code mqtt.listener.*} properties to the
 * {@code mqttListenerContainerFactory} bean through a configurer. Replies and dead letters
 * go out through the {@link MqttOperations} given, the template of the connection.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttListenerContainerFactory implements MqttListenerContainerFactory {

	private final MqttConnection connection;

	private final MqttOperations operations;

	private final MessageConverter messageConverter;

	private @Nullable MqttContainerErrorHandler containerErrorHandler;

	private boolean autoStartup = true;

	private int phase = DefaultMqttListenerContainer.DEFAULT_PHASE;

	private int queueCapacity = 1000;

	private long queueMemory = DefaultMqttListenerContainer.DEFAULT_QUEUE_MEMORY;

	private Duration shutdownTimeout = Duration.ofSeconds(10);

	private Duration subscribeTimeout = Duration.ofSeconds(10);

	private BackOff backOff = new FixedBackOff(0, 0);

	private @Nullable String deadLetterTopic;

	private @Nullable MqttAckMode ackMode;

	private @Nullable MqttListenerErrorHandler defaultErrorHandler;

	private boolean failFast;

	private @Nullable Executor taskExecutor;

	private boolean virtualThreads;

	private int concurrency = 1;

	private MqttSubscriptionOptions subscriptionOptions = MqttSubscriptionOptions.DEFAULTS;

	private MqttListenerObserver observer = MqttListenerObserver.NOOP;

	/**
	 * Create a new factory whose containers publish replies and dead letters through a
	 * plain {@link MqttTemplate} on the connection.
	 * @param connection the connection containers subscribe through
	 * @param messageConverter the payload converter for replies
	 */
	public DefaultMqttListenerContainerFactory(MqttConnection connection, MessageConverter messageConverter) {
		this(connection, new MqttTemplate(connection, messageConverter), messageConverter);
	}

	/**
	 * Create a new factory.
	 * @param connection the connection containers subscribe through
	 * @param operations the operations (the connection's template) replies and dead
	 * letters are published through
	 * @param messageConverter the payload converter for replies
	 */
	public DefaultMqttListenerContainerFactory(MqttConnection connection, MqttOperations operations,
			MessageConverter messageConverter) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(operations, "'operations' must not be null");
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.connection = connection;
		this.operations = operations;
		this.messageConverter = messageConverter;
	}

	/**
	 * Return the operations replies and dead letters are published through.
	 * @return the operations
	 */
	public MqttOperations getOperations() {
		return this.operations;
	}

	/**
	 * Return the connection.
	 * @return the connection
	 */
	public MqttConnection getConnection() {
		return this.connection;
	}

	/**
	 * Set whether containers start with the application unless their endpoint says
	 * otherwise.
	 * @param autoStartup whether to start automatically
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Set the lifecycle phase of the containers.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	/**
	 * Set the queue capacity of each container.
	 * @param queueCapacity the capacity
	 */
	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Set the bytes (payload plus topic) each container queues before it withholds
	 * acknowledgements (QoS 1/2) or drops messages (QoS 0).
	 * @param queueMemory the bound in bytes
	 */
	public void setQueueMemory(long queueMemory) {
		this.queueMemory = queueMemory;
	}

	/**
	 * Set how long stopping a container lets in-flight work finish.
	 * @param shutdownTimeout the timeout
	 */
	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Set how long starting a container waits for the broker to answer its subscriptions.
	 * @param subscribeTimeout the timeout
	 */
	public void setSubscribeTimeout(Duration subscribeTimeout) {
		this.subscribeTimeout = subscribeTimeout;
	}

	/**
	 * Set the back-off between attempts of a failed message.
	 * @param backOff the back-off
	 */
	public void setBackOff(BackOff backOff) {
		this.backOff = backOff;
	}

	/**
	 * Set the dead-letter topic of listeners that do not set their own.
	 * @param deadLetterTopic the topic or {@code null}
	 */
	public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
		this.deadLetterTopic = deadLetterTopic;
	}

	/**
	 * Set when listeners that do not set their own mode acknowledge QoS 1/2 messages.
	 * @param ackMode the mode, or {@code null} for the connection's default (on receipt
	 * when it acknowledges in arrival order, else after processing)
	 */
	public void setAckMode(@Nullable MqttAckMode ackMode) {
		this.ackMode = ackMode;
	}

	/**
	 * Set the error handler of listeners that do not name their own.
	 * @param defaultErrorHandler the handler or {@code null} for none
	 */
	public void setErrorHandler(@Nullable MqttListenerErrorHandler defaultErrorHandler) {
		this.defaultErrorHandler = defaultErrorHandler;
	}

	/**
	 * Set the failure policy of the containers in place of the default one, which is
	 * built from the {@link #setBackOff back-off} and the dead-letter topic.
	 * @param containerErrorHandler the handler or {@code null} for the default
	 */
	public void setContainerErrorHandler(@Nullable MqttContainerErrorHandler containerErrorHandler) {
		this.containerErrorHandler = containerErrorHandler;
	}

	/**
	 * Set whether starting a container fails when a subscription is refused.
	 * @param failFast whether to fail
	 */
	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	/**
	 * Set the executor that runs the workers of all containers; by default each container
	 * starts its own threads, named after the listener.
	 * @param taskExecutor the executor or {@code null}
	 */
	public void setTaskExecutor(@Nullable Executor taskExecutor) {
		this.taskExecutor = taskExecutor;
	}

	/**
	 * Set whether the default per-container threads are virtual threads (Java 21+).
	 * @param virtualThreads whether to use virtual threads
	 */
	public void setVirtualThreads(boolean virtualThreads) {
		this.virtualThreads = virtualThreads;
	}

	/**
	 * Set how many messages each listener that does not set its own concurrency may
	 * process at the same time, in order per ordering key (by default the topic).
	 * @param concurrency the concurrency, 1 (the default, one at a time) or more
	 */
	public void setConcurrency(int concurrency) {
		Assert.isTrue(concurrency > 0, () -> "Invalid listener concurrency " + concurrency
				+ " (mqtt.listener.concurrency): use 1 (one message at a time) or more");
		this.concurrency = concurrency;
	}

	/**
	 * Set the MQTT 5 subscription options of listeners, for each option a listener does
	 * not set itself.
	 * @param subscriptionOptions the options
	 */
	public void setSubscriptionOptions(MqttSubscriptionOptions subscriptionOptions) {
		Assert.notNull(subscriptionOptions, "'subscriptionOptions' must not be null");
		this.subscriptionOptions = subscriptionOptions;
	}

	/**
	 * Set the observer of listener invocations (metrics, tracing).
	 * @param observer the observer
	 */
	public void setObserver(MqttListenerObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.observer = observer;
	}

	@Override
	public DefaultMqttListenerContainer createListenerContainer(MqttListenerEndpoint endpoint) {
		String id = endpoint.getId();
		DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(this.connection, id,
				endpoint.getTopicFilters(), endpoint.getQos(), endpoint.getGroup(),
				endpoint.createMessageListener(this.connection, this.operations, this.messageConverter));
		container.setDescription(endpoint.getDescription());
		container.setAutoStartup((endpoint.getAutoStartup() != null) ? endpoint.getAutoStartup() : this.autoStartup);
		container.setPhase(this.phase);
		container.setQueueCapacity(this.queueCapacity);
		container.setQueueMemory(this.queueMemory);
		container.setShutdownTimeout(this.shutdownTimeout);
		container.setSubscribeTimeout(this.subscribeTimeout);
		container.setBackOff(this.backOff);
		container.setContainerErrorHandler(this.containerErrorHandler);
		container.setOperations(this.operations);
		container.setErrorHandler((endpoint.getErrorHandler() != null) ? endpoint.getErrorHandler() : this.defaultErrorHandler);
		container.setDeadLetterTopic((endpoint.getDeadLetterTopic() != null) ? endpoint.getDeadLetterTopic() : this.deadLetterTopic);
		container.setAckMode((endpoint.getAckMode() != null) ? endpoint.getAckMode() : this.ackMode);
		container.setFailFast(this.failFast);
		container.setConcurrency((endpoint.getConcurrency() != null) ? endpoint.getConcurrency() : this.concurrency);
		container.setOrderingKeyResolver(endpoint.getOrderingKeyResolver());
		container.setSubscriptionOptions(new MqttSubscriptionOptions(
				(endpoint.getNoLocal() != null) ? endpoint.getNoLocal() : this.subscriptionOptions.noLocal(),
				(endpoint.getRetainAsPublished() != null) ? endpoint.getRetainAsPublished()
						: this.subscriptionOptions.retainAsPublished(),
				(endpoint.getRetainHandling() != null) ? endpoint.getRetainHandling()
						: this.subscriptionOptions.retainHandling()));
		container.setTaskExecutor((this.taskExecutor != null) ? this.taskExecutor : threads(id));
		container.setObserver(this.observer);
		return container;
	}

	private Executor threads(String id) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("mqtt-listener-" + id + "-");
		executor.setVirtualThreads(this.virtualThreads);
		return executor;
	}

}
