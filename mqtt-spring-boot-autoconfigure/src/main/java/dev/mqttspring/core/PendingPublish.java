package dev.mqttspring.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The future of one publish: completed by the connection's future, or by its timeout.
 */
final class PendingPublish extends CompletableFuture<Void>
		implements BiConsumer<Void, Throwable>, PublishDeadlines.Deadline {

	private static final AtomicIntegerFieldUpdater<PendingPublish> FINISHED = AtomicIntegerFieldUpdater
		.newUpdater(PendingPublish.class, "finished");

	private final String topic;

	private final int qos;

	private final MqttPublishObserver.@Nullable Handle handle;

	volatile long deadline;

	private final long timeoutNanos;

	private volatile int finished;

	private final MqttConnection connection;

	private final PublishFailureLog failureLog;

	PendingPublish(MqttOutboundMessage message, MqttPublishObserver.@Nullable Handle handle, long timeoutNanos,
			MqttConnection connection, PublishFailureLog failureLog) {
		this.connection = connection;
		this.failureLog = failureLog;
		this.topic = message.topic();
		this.qos = message.qos();
		this.handle = handle;
		this.timeoutNanos = timeoutNanos;
		this.deadline = System.nanoTime() + timeoutNanos;
	}

	@Override
	public void accept(Void ignored, @Nullable Throwable failure) {
		finish((failure != null) ? MqttTemplate.unwrap(failure) : null);
	}

	@Override
	public long deadline() {
		return this.deadline;
	}

	@Override
	public boolean isFinished() {
		return this.finished != 0;
	}

	@Override
	public void timeout() {
		long millis = TimeUnit.NANOSECONDS.toMillis(this.timeoutNanos);
		String what = (this.qos == 0) ? "was not written to the connection"
				: "was not acknowledged by the broker (QoS " + this.qos + ")";
		finish(new MqttDeliveryException("The message to '" + this.topic + "' " + what + " within " + millis
				+ " ms (mqtt.template.timeout); the connection is " + this.connection.getState()
				+ ". It may still be delivered later; raise mqtt.template.timeout or check the broker",
				MqttDeliveryException.NO_REASON_CODE, new TimeoutException("No acknowledgement within " + millis + " ms")));
	}

	void finish(@Nullable Throwable failure) {
		if (!FINISHED.compareAndSet(this, 0, 1)) {
			return;
		}
		if (this.handle != null) {
			CompositeMqttPublishObserver.stop(this.handle, failure);
		}
		if (failure == null) {
			complete(null);
		}
		else {
			this.failureLog.failed(this.topic, failure);
			completeExceptionally(failure);
		}
	}

}
