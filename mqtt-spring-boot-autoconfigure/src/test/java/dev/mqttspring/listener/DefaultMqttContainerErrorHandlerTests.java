package dev.mqttspring.listener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DefaultMqttContainerErrorHandler}: back-off, the listener's own error
 * handler, then the recoverer.
 */
class DefaultMqttContainerErrorHandlerTests {

	private final MqttInboundMessage message = new MqttInboundMessage("orders/1", new byte[0], 1, false, false, 1,
			MqttMessageProperties.NONE, () -> {
			});

	private final List<MqttListenerExecutionFailedException> recovered = new ArrayList<>();

	private final DefaultMqttContainerErrorHandler handler = new DefaultMqttContainerErrorHandler(new FixedBackOff(1, 2),
			(message, exception) -> this.recovered.add(exception));

	@Test
	void retriesUntilTheListenerSucceeds() {
		FakeContext context = new FakeContext(new IllegalStateException("again"), null);
		assertThat(this.handler.handleFailure(this.message, new IllegalStateException("first"), context)).isTrue();
		assertThat(context.retries).isEqualTo(2);
		assertThat(context.attempts).isZero();
		assertThat(this.recovered).isEmpty();
	}

	@Test
	void recoversOnceRetriesAreExhausted() {
		FakeContext context = new FakeContext(new IllegalStateException("again"), new IllegalStateException("last"));
		assertThat(this.handler.handleFailure(this.message, new IllegalStateException("first"), context)).isTrue();
		assertThat(context.retries).isEqualTo(2);
		assertThat(context.attempts).isEqualTo(3);
		assertThat(this.recovered).singleElement()
			.satisfies((failure) -> assertThat(failure.getCause()).hasMessage("last"));
	}

	@Test
	void listenerErrorHandlerRunsBeforeTheRecoverer() {
		FakeContext context = new FakeContext();
		context.listenerHandles = true;
		DefaultMqttContainerErrorHandler noRetry = new DefaultMqttContainerErrorHandler(new FixedBackOff(0, 0),
				(message, exception) -> this.recovered.add(exception));
		assertThat(noRetry.handleFailure(this.message, new IllegalStateException("first"), context)).isTrue();
		assertThat(context.attempts).isOne();
		assertThat(this.recovered).isEmpty();
	}

	@Test
	void failingRecovererStillAcknowledges() {
		DefaultMqttContainerErrorHandler failing = new DefaultMqttContainerErrorHandler(new FixedBackOff(0, 0),
				(message, exception) -> {
					throw new IllegalStateException("broker gone");
				});
		assertThat(failing.handleFailure(this.message, new IllegalStateException("first"), new FakeContext())).isTrue();
	}

	@Test
	void abandonedMessageIsNeitherRetriedNorRecovered() {
		FakeContext context = new FakeContext(new IllegalStateException("again"));
		context.abandoned = true;
		assertThat(this.handler.handleFailure(this.message, new IllegalStateException("first"), context)).isFalse();
		assertThat(context.retries).isZero();
		assertThat(this.recovered).isEmpty();
	}

	private static final class FakeContext implements MqttContainerErrorHandler.Context {

		private final Deque<@Nullable Throwable> outcomes = new ArrayDeque<>();

		int retries;

		int attempts;

		boolean abandoned;

		boolean listenerHandles;

		FakeContext(@Nullable Throwable... outcomes) {
			for (Throwable outcome : outcomes) {
				this.outcomes.add((outcome != null) ? outcome : new Success());
			}
		}

		@Override
		public String getListenerId() {
			return "orders";
		}

		@Override
		public @Nullable Throwable retry() {
			this.retries++;
			Throwable outcome = this.outcomes.poll();
			return (outcome instanceof Success) ? null : outcome;
		}

		@Override
		public boolean isAbandoned() {
			return this.abandoned;
		}

		@Override
		public MqttListenerExecutionFailedException exhausted(Throwable exception, int attempts) {
			this.attempts = attempts;
			return new MqttListenerExecutionFailedException("orders", "orders/1", "failed", exception);
		}

		@Override
		public @Nullable MqttListenerExecutionFailedException handleByListener(MqttListenerExecutionFailedException failure) {
			return this.listenerHandles ? null : failure;
		}

	}

	private static final class Success extends RuntimeException {

	}

}
