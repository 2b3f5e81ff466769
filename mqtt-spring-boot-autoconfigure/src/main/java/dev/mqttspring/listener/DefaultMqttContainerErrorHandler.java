package dev.mqttspring.listener;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.core.MqttHeaderMapper;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttOperations;

/**
 * The default {@link MqttContainerErrorHandler}: retries a failed message on the worker
 * thread with the intervals of a {@link BackOff}, then hands it to the listener's own
 * error handler, then to a {@link MqttMessageRecoverer} (by default one that logs the
 * failure), as Spring Kafka's {@code DefaultErrorHandler} does.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttContainerErrorHandler implements MqttContainerErrorHandler {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private final BackOff backOff;

	private final MqttMessageRecoverer recoverer;

	/**
	 * Create a handler that does not retry and logs failures.
	 */
	public DefaultMqttContainerErrorHandler() {
		this(new FixedBackOff(0, 0));
	}

	/**
	 * Create a handler that retries with the back-off and then logs failures.
	 * @param backOff the intervals between attempts
	 */
	public DefaultMqttContainerErrorHandler(BackOff backOff) {
		this(backOff, logging(new LoggingMqttListenerErrorHandler()));
	}

	/**
	 * Create a handler.
	 * @param backOff the intervals between attempts
	 * @param recoverer what to do with a message once retries are exhausted and the
	 * listener's own error handler did not take it
	 */
	public DefaultMqttContainerErrorHandler(BackOff backOff, MqttMessageRecoverer recoverer) {
		Assert.notNull(backOff, "'backOff' must not be null");
		Assert.notNull(recoverer, "'recoverer' must not be null");
		this.backOff = backOff;
		this.recoverer = recoverer;
	}

	/**
	 * Return the back-off between attempts.
	 * @return the back-off
	 */
	public BackOff getBackOff() {
		return this.backOff;
	}

	/**
	 * Return the recoverer.
	 * @return the recoverer
	 */
	public MqttMessageRecoverer getRecoverer() {
		return this.recoverer;
	}

	@Override
	public boolean handleFailure(MqttInboundMessage message, Throwable exception, Context context) {
		Throwable failure = exception;
		int attempts = 1;
		BackOffExecution execution = null;
		while (true) {
			if (context.isAbandoned()) {
				return false;
			}
			if (execution == null) {
				execution = this.backOff.start();
			}
			long interval = execution.nextBackOff();
			if (interval == BackOffExecution.STOP) {
				break;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Listener '" + context.getListenerId() + "' failed on '" + message.getTopic() + "' (attempt "
						+ attempts + "); retrying in " + interval + " ms: " + failure);
			}
			if (!sleep(interval, context)) {
				return false;
			}
			attempts++;
			Throwable next = context.retry();
			if (next == null) {
				return true;
			}
			failure = next;
		}
		MqttListenerExecutionFailedException exhausted = context.exhausted(failure, attempts);
		MqttListenerExecutionFailedException unhandled = context.handleByListener(exhausted);
		if (unhandled == null) {
			return true;
		}
		if (unhandled != exhausted && context.isAbandoned()) {
			return false;
		}
		try {
			this.recoverer.recover(message, unhandled);
		}
		catch (Throwable ex) {
			logger.error(unhandled.getMessage() + "; the message is acknowledged although it could not be recovered ("
					+ ex + ")", unhandled.getCause());
		}
		return true;
	}

	private static boolean sleep(long millis, Context context) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !context.isAbandoned();
		}
	}

	/**
	 * Adapt an error handler that takes the mapped message to a recoverer.
	 * @param errorHandler the error handler
	 * @return the recoverer
	 */
	static MqttMessageRecoverer logging(MqttListenerErrorHandler errorHandler) {
		return (message, exception) -> errorHandler.handleError(
				MqttHeaderMapper.DEFAULT.toMessage(message, exception.getListenerId(), Map.of()), exception);
	}

	/**
	 * The default error handling of a container: retries with the back-off, then the
	 * dead-letter topic if there is one, else the fallback error handler.
	 */
	static DefaultMqttContainerErrorHandler of(BackOff backOff, @Nullable String deadLetterTopic,
			Supplier<MqttOperations> operations, Duration timeout, MqttListenerErrorHandler fallback) {
		if (deadLetterTopic == null) {
			return new DefaultMqttContainerErrorHandler(backOff, logging(fallback));
		}
		DeadLetterPublishingMqttRecoverer recoverer = new DeadLetterPublishingMqttRecoverer(operations.get(), deadLetterTopic);
		recoverer.setTimeout(timeout);
		return new DefaultMqttContainerErrorHandler(backOff, recoverer);
	}

	static @Nullable DeadLetterPublishingMqttRecoverer deadLetterRecoverer(@Nullable MqttContainerErrorHandler handler) {
		return (handler instanceof DefaultMqttContainerErrorHandler defaultHandler
				&& defaultHandler.recoverer instanceof DeadLetterPublishingMqttRecoverer deadLetters) ? deadLetters : null;
	}

}
