package dev.mqttspring.listener;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttHeaderMapper;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * Runs a container's listener on one message, observed, and hands a failure to the
 * container's {@link MqttContainerErrorHandler}; counts processed and failed messages.
 */
final class ListenerInvoker {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private final String listenerId;

	private final MqttMessageListener listener;

	private final BooleanSupplier abandoned;

	private final AtomicLong processed = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile String description;

	private volatile MqttListenerObserver observer = MqttListenerObserver.NOOP;

	private volatile @Nullable MqttListenerErrorHandler listenerErrorHandler;

	private volatile MqttContainerErrorHandler errorHandler = new DefaultMqttContainerErrorHandler();

	ListenerInvoker(String listenerId, MqttMessageListener listener, BooleanSupplier abandoned) {
		this.listenerId = listenerId;
		this.listener = listener;
		this.abandoned = abandoned;
		this.description = "'" + listenerId + "'";
	}

	void configure(String description, MqttListenerObserver observer, @Nullable MqttListenerErrorHandler listenerErrorHandler,
			MqttContainerErrorHandler errorHandler) {
		this.description = description;
		this.observer = observer;
		this.listenerErrorHandler = listenerErrorHandler;
		this.errorHandler = errorHandler;
	}

	long getProcessedCount() {
		return this.processed.get();
	}

	long getFailedCount() {
		return this.failed.get();
	}

	/**
	 * Process a message, with the error handling on failure; return whether it may be
	 * acknowledged.
	 */
	boolean process(MqttInboundMessage message) {
		Throwable ex = invoke(message);
		if (ex == null) {
			this.processed.incrementAndGet();
			return true;
		}
		if (this.abandoned.getAsBoolean()) {
			return false;
		}
		return this.errorHandler.handleFailure(message, ex, new Failure(message));
	}

	/**
	 * Invoke the listener once, observed; return what it threw or {@code null}.
	 */
	@Nullable Throwable invoke(MqttInboundMessage message) {
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

	/**
	 * The failed delivery of one message, as the error handler sees it.
	 */
	private final class Failure implements MqttContainerErrorHandler.Context {

		private final MqttInboundMessage message;

		Failure(MqttInboundMessage message) {
			this.message = message;
		}

		@Override
		public String getListenerId() {
			return ListenerInvoker.this.listenerId;
		}

		@Override
		public @Nullable Throwable retry() {
			Throwable ex = invoke(this.message);
			if (ex == null) {
				ListenerInvoker.this.processed.incrementAndGet();
			}
			return ex;
		}

		@Override
		public boolean isAbandoned() {
			return ListenerInvoker.this.abandoned.getAsBoolean();
		}

		@Override
		public MqttListenerExecutionFailedException exhausted(Throwable ex, int attempts) {
			ListenerInvoker.this.failed.incrementAndGet();
			String topic = this.message.getTopic();
			String suffix = (attempts > 1) ? " (after " + attempts + " attempts)" : "";
			if (ex instanceof MqttListenerExecutionFailedException failure) {
				return suffix.isEmpty() ? failure : new MqttListenerExecutionFailedException(getListenerId(), topic,
						failure.getMessage() + suffix, failure.getCause());
			}
			return new MqttListenerExecutionFailedException(getListenerId(), topic, "Listener "
					+ ListenerInvoker.this.description + " failed on the message from '" + topic + "'" + suffix + ": " + ex, ex);
		}

		@Override
		public @Nullable MqttListenerExecutionFailedException handleByListener(MqttListenerExecutionFailedException failure) {
			MqttListenerErrorHandler handler = ListenerInvoker.this.listenerErrorHandler;
			if (handler == null) {
				return failure;
			}
			try {
				handler.handleError(MqttHeaderMapper.DEFAULT.toMessage(this.message, getListenerId(), Map.of()), failure);
				return null;
			}
			catch (Throwable ex) {
				return (ex instanceof MqttListenerExecutionFailedException mlefe) ? mlefe
						: new MqttListenerExecutionFailedException(getListenerId(), this.message.getTopic(),
								failure.getMessage() + "; the error handler threw: " + ex, ex);
			}
		}

	}

}
