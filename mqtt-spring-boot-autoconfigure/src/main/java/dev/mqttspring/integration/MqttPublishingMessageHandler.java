package dev.mqttspring.integration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.expression.ExpressionUtils;
import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.support.MqttHeaders;

/**
 * Outbound message handler that publishes each message through {@link MqttOperations}
 * (the starter's {@code MqttTemplate}: validation against MQTT rules and broker limits,
 * conversion, metrics, tracing, offline buffering). Modelled on Spring Integration
 * Kafka's {@code KafkaProducerMessageHandler}.
 * <p>
 * Topic, QoS and retain come from expressions evaluated against the message; by default
 * from the headers {@link MqttHeaders#TOPIC}, {@link MqttHeaders#QOS} and
 * {@link MqttHeaders#RETAIN} (QoS and retain then fall back to the template's defaults).
 * The outcome of each publish (the broker's acknowledgement, or the failure) goes to the
 * send-success channel (the message) or the send-failure channel (an
 * {@link ErrorMessage}); the {@link CompletableFuture} itself can go to a futures channel.
 * Outcomes are sent on a thread of their own (never on the MQTT client's thread), in the
 * order they complete. With {@link #setSync(boolean) sync}, the handler waits for the
 * acknowledgement and throws on failure, so the flow's error handling sees it. A failure
 * that nothing else reports (no failure channel, not sync) is logged as an error.
 *
 * @author mqtt-spring-boot
 * @see MqttIntegration#outboundHandler(MqttOperations)
 */
public class MqttPublishingMessageHandler extends AbstractMessageHandler {

	private @Nullable MqttOperations mqttOperations;

	private @Nullable Expression topicExpression;

	private @Nullable Expression qosExpression;

	private @Nullable Expression retainExpression;

	private boolean sync;

	private Duration sendTimeout = Duration.ofSeconds(30);

	private @Nullable MessageChannel sendSuccessChannel;

	private @Nullable String sendSuccessChannelName;

	private @Nullable MessageChannel sendFailureChannel;

	private @Nullable String sendFailureChannelName;

	private @Nullable MessageChannel futuresChannel;

	private @Nullable String futuresChannelName;

	private @Nullable Executor outcomeExecutor;

	private @Nullable ExecutorService ownOutcomeExecutor;

	private final MessagingTemplate messagingTemplate = new MessagingTemplate();

	private @Nullable EvaluationContext evaluationContext;

	/**
	 * Create a handler on the application's (primary) {@link MqttOperations} bean.
	 */
	public MqttPublishingMessageHandler() {
	}

	/**
	 * Create a handler on the given operations, for example the template of a named
	 * connection.
	 * @param mqttOperations the operations to publish through
	 */
	public MqttPublishingMessageHandler(MqttOperations mqttOperations) {
		Assert.notNull(mqttOperations, "'mqttOperations' must not be null");
		this.mqttOperations = mqttOperations;
	}

	/**
	 * Set the expression for the topic; default: the {@link MqttHeaders#TOPIC} header.
	 * @param topicExpression the expression
	 */
	public void setTopicExpression(Expression topicExpression) {
		Assert.notNull(topicExpression, "'topicExpression' must not be null");
		this.topicExpression = topicExpression;
	}

	/**
	 * Set the expression for the QoS; default: the {@link MqttHeaders#QOS} header, else
	 * the template's default QoS.
	 * @param qosExpression the expression
	 */
	public void setQosExpression(Expression qosExpression) {
		Assert.notNull(qosExpression, "'qosExpression' must not be null");
		this.qosExpression = qosExpression;
	}

	/**
	 * Set the expression for the retain flag; default: the {@link MqttHeaders#RETAIN}
	 * header, else the template's default.
	 * @param retainExpression the expression
	 */
	public void setRetainExpression(Expression retainExpression) {
		Assert.notNull(retainExpression, "'retainExpression' must not be null");
		this.retainExpression = retainExpression;
	}

	/**
	 * Set whether to wait for the broker's acknowledgement and throw on failure.
	 * @param sync whether to wait
	 */
	public void setSync(boolean sync) {
		this.sync = sync;
	}

	/**
	 * Set how long a {@link #setSync(boolean) sync} publish waits for the acknowledgement.
	 * @param sendTimeout the timeout
	 */
	public void setSendTimeout(Duration sendTimeout) {
		Assert.notNull(sendTimeout, "'sendTimeout' must not be null");
		this.sendTimeout = sendTimeout;
	}

	/**
	 * Set the channel that gets each message once the broker acknowledged it.
	 * @param sendSuccessChannel the channel
	 */
	public void setSendSuccessChannel(MessageChannel sendSuccessChannel) {
		this.sendSuccessChannel = sendSuccessChannel;
	}

	/**
	 * Set the name of the channel that gets each message once the broker acknowledged it.
	 * @param sendSuccessChannelName the channel name
	 */
	public void setSendSuccessChannelName(String sendSuccessChannelName) {
		this.sendSuccessChannelName = sendSuccessChannelName;
	}

	/**
	 * Set the channel that gets an {@link ErrorMessage} (a
	 * {@link MessageHandlingException} with the failed message) for each failed publish.
	 * @param sendFailureChannel the channel
	 */
	public void setSendFailureChannel(MessageChannel sendFailureChannel) {
		this.sendFailureChannel = sendFailureChannel;
	}

	/**
	 * Set the name of the send-failure channel.
	 * @param sendFailureChannelName the channel name
	 */
	public void setSendFailureChannelName(String sendFailureChannelName) {
		this.sendFailureChannelName = sendFailureChannelName;
	}

	/**
	 * Set the channel that gets a message with the publish's {@code CompletableFuture<Void>}
	 * as payload (and the request's headers) right after it was handed to the template.
	 * @param futuresChannel the channel
	 */
	public void setFuturesChannel(MessageChannel futuresChannel) {
		this.futuresChannel = futuresChannel;
	}

	/**
	 * Set the name of the futures channel.
	 * @param futuresChannelName the channel name
	 */
	public void setFuturesChannelName(String futuresChannelName) {
		this.futuresChannelName = futuresChannelName;
	}

	/**
	 * Set the executor that sends outcomes to the success and failure channels; by
	 * default a single thread of this handler.
	 * @param outcomeExecutor the executor
	 */
	public void setOutcomeExecutor(Executor outcomeExecutor) {
		Assert.notNull(outcomeExecutor, "'outcomeExecutor' must not be null");
		this.outcomeExecutor = outcomeExecutor;
	}

	@Override
	public String getComponentType() {
		return "mqtt:outbound-channel-adapter";
	}

	@Override
	protected void onInit() {
		super.onInit();
		BeanFactory beanFactory = getBeanFactory();
		if (this.mqttOperations == null) {
			Assert.state(beanFactory != null, "No BeanFactory; pass the MqttOperations to the constructor");
			this.mqttOperations = beanFactory.getBean(MqttOperations.class);
		}
		this.evaluationContext = ExpressionUtils.createStandardEvaluationContext(beanFactory);
		if (beanFactory != null) {
			this.messagingTemplate.setBeanFactory(beanFactory);
		}
	}

	@Override
	protected void handleMessageInternal(Message<?> message) {
		MqttOperations operations = this.mqttOperations;
		Assert.state(operations != null, "The handler is not initialized");
		Message<?> toPublish = withMqttHeaders(message);
		Object topic = toPublish.getHeaders().get(MqttHeaders.TOPIC);
		CompletableFuture<Void> future;
		try {
			future = operations.publish(toPublish);
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		MessageChannel futures = resolve(this.futuresChannel, this.futuresChannelName);
		if (futures != null) {
			this.messagingTemplate.send(futures, MessageBuilder.withPayload(future).copyHeaders(message.getHeaders()).build());
		}
		reportOutcome(future, message, topic);
		if (this.sync) {
			await(future, message, topic);
		}
	}

	private Message<?> withMqttHeaders(Message<?> message) {
		MessageBuilder<?> builder = MessageBuilder.fromMessage(message);
		if (this.topicExpression != null) {
			Object topic = evaluate(this.topicExpression, message, "topic");
			builder.setHeader(MqttHeaders.TOPIC, (topic != null) ? topic.toString() : null);
		}
		if (this.qosExpression != null) {
			builder.setHeader(MqttHeaders.QOS, evaluate(this.qosExpression, message, "QoS"));
		}
		if (this.retainExpression != null) {
			builder.setHeader(MqttHeaders.RETAIN, evaluate(this.retainExpression, message, "retain"));
		}
		return builder.build();
	}

	private @Nullable Object evaluate(Expression expression, Message<?> message, String what) {
		try {
			return expression.getValue(this.evaluationContext, message);
		}
		catch (RuntimeException ex) {
			throw new MessageHandlingException(message, "Cannot evaluate the " + what + " expression '"
					+ expression.getExpressionString() + "' of " + this + ": " + ex.getMessage(), ex);
		}
	}

	private void reportOutcome(CompletableFuture<Void> future, Message<?> message, @Nullable Object topic) {
		MessageChannel success = resolve(this.sendSuccessChannel, this.sendSuccessChannelName);
		MessageChannel failure = resolve(this.sendFailureChannel, this.sendFailureChannelName);
		if (success == null && failure == null) {
			if (!this.sync) {
				future.whenComplete((result, ex) -> {
					if (ex != null) {
						this.logger.error(unwrap(ex), () -> "Publishing to '" + topic + "' failed and no send-failure "
								+ "channel is set on " + this + ": " + unwrap(ex).getMessage());
					}
				});
			}
			return;
		}
		future.whenCompleteAsync((result, ex) -> {
			try {
				if (ex == null) {
					if (success != null) {
						this.messagingTemplate.send(success, message);
					}
				}
				else if (failure != null) {
					this.messagingTemplate.send(failure, new ErrorMessage(failure(message, topic, unwrap(ex)), message));
				}
				else if (!this.sync) {
					this.logger.error(unwrap(ex), () -> "Publishing to '" + topic + "' failed and no send-failure "
							+ "channel is set on " + this + ": " + unwrap(ex).getMessage());
				}
			}
			catch (RuntimeException sendFailure) {
				this.logger.error(sendFailure, () -> "Could not send the outcome of publishing to '" + topic + "' from "
						+ this);
			}
		}, outcomeExecutor());
	}

	private void await(CompletableFuture<Void> future, Message<?> message, @Nullable Object topic) {
		try {
			future.get(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw failure(message, topic, unwrap(ex));
		}
		catch (TimeoutException ex) {
			throw new MessageHandlingException(message, "Publishing to '" + topic + "' was not acknowledged within "
					+ this.sendTimeout + " (sendTimeout of " + this + "); the publish may still complete", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageHandlingException(message, "Interrupted while waiting for the acknowledgement of the publish to '"
					+ topic + "'", ex);
		}
	}

	private static MessageHandlingException failure(Message<?> message, @Nullable Object topic, Throwable cause) {
		return new MessageHandlingException(message, "Publishing to '" + topic + "' failed: " + cause.getMessage(), cause);
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private @Nullable MessageChannel resolve(@Nullable MessageChannel channel, @Nullable String name) {
		if (channel != null) {
			return channel;
		}
		if (name != null) {
			return getChannelResolver().resolveDestination(name);
		}
		return null;
	}

	private synchronized Executor outcomeExecutor() {
		if (this.outcomeExecutor != null) {
			return this.outcomeExecutor;
		}
		if (this.ownOutcomeExecutor == null) {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("mqtt-publish-outcome-");
			threads.setDaemon(true);
			this.ownOutcomeExecutor = Executors.newSingleThreadExecutor(threads);
		}
		return this.ownOutcomeExecutor;
	}

	@Override
	public void destroy() {
		super.destroy();
		synchronized (this) {
			if (this.ownOutcomeExecutor != null) {
				this.ownOutcomeExecutor.shutdown();
			}
		}
	}

}
