package dev.mqttspring.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.observation.MqttListenerObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerInvoker}: observed invocations, counts, and the context it
 * gives the container error handler.
 */
class ListenerInvokerTests {

	private final MqttInboundMessage message = new MqttInboundMessage("orders/1", new byte[0], 1, false, false, 1,
			MqttMessageProperties.NONE, () -> {
			});

	private final List<String> observed = new ArrayList<>();

	private final MqttListenerObserver observer = (listenerId, message) -> (failure) -> this.observed
		.add((failure != null) ? failure.getMessage() : "ok");

	@Test
	void countsSuccessAndObservesIt() {
		ListenerInvoker invoker = new ListenerInvoker("orders", (message) -> {
		}, () -> false);
		invoker.configure("'orders'", this.observer, null, new DefaultMqttContainerErrorHandler());
		assertThat(invoker.process(this.message)).isTrue();
		assertThat(invoker.getProcessedCount()).isOne();
		assertThat(this.observed).containsExactly("ok");
	}

	@Test
	void retryThroughTheContextCountsAsProcessed() {
		AtomicInteger calls = new AtomicInteger();
		ListenerInvoker invoker = new ListenerInvoker("orders", (message) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("first");
			}
		}, () -> false);
		invoker.configure("'orders'", this.observer, null, (message, exception, context) -> context.retry() == null);
		assertThat(invoker.process(this.message)).isTrue();
		assertThat(invoker.getProcessedCount()).isOne();
		assertThat(invoker.getFailedCount()).isZero();
		assertThat(this.observed).containsExactly("first", "ok");
	}

	@Test
	void exhaustedFailureNamesListenerTopicAndAttemptsAndIsCounted() {
		List<MqttListenerExecutionFailedException> failures = new ArrayList<>();
		ListenerInvoker invoker = new ListenerInvoker("orders", (message) -> {
			throw new IllegalStateException("boom");
		}, () -> false);
		invoker.configure("'orders' (Orders.on)", this.observer, null, (message, exception, context) -> {
			failures.add(context.exhausted(exception, 3));
			return true;
		});
		invoker.process(this.message);
		assertThat(invoker.getFailedCount()).isOne();
		assertThat(failures).singleElement().satisfies((failure) -> {
			assertThat(failure.getListenerId()).isEqualTo("orders");
			assertThat(failure.getTopic()).isEqualTo("orders/1");
			assertThat(failure.getMessage()).isEqualTo("Listener 'orders' (Orders.on) failed on the message from "
					+ "'orders/1' (after 3 attempts): java.lang.IllegalStateException: boom");
		});
	}

	@Test
	void listenerErrorHandlerHandlesOrPassesTheFailureOn() {
		List<Object> results = new ArrayList<>();
		MqttListenerExecutionFailedException failure = new MqttListenerExecutionFailedException("orders", "orders/1",
				"failed", null);
		ListenerInvoker handles = new ListenerInvoker("orders", (message) -> {
			throw new IllegalStateException("boom");
		}, () -> false);
		handles.configure("'orders'", this.observer, (message, exception) -> {
		}, (message, exception, context) -> results.add(String.valueOf(context.handleByListener(failure))));
		handles.process(this.message);
		ListenerInvoker throwing = new ListenerInvoker("orders", (message) -> {
			throw new IllegalStateException("boom");
		}, () -> false);
		throwing.configure("'orders'", this.observer, (message, exception) -> {
			throw new IllegalArgumentException("not mine");
		}, (message, exception, context) -> results.add(context.handleByListener(failure).getMessage()));
		throwing.process(this.message);
		assertThat(results).containsExactly("null", "failed; the error handler threw: java.lang.IllegalArgumentException: not mine");
	}

	@Test
	void abandonedFailureIsNotHandled() {
		ListenerInvoker invoker = new ListenerInvoker("orders", (message) -> {
			throw new IllegalStateException("boom");
		}, () -> true);
		invoker.configure("'orders'", this.observer, null, (message, exception, context) -> true);
		assertThat(invoker.process(this.message)).isFalse();
	}

}
