package dev.mqttspring.metrics;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * {@link MqttListenerObserver} that keeps the {@code mqtt.listener} timer of listener
 * invocations, tagged with the client id, the listener id, the outcome and the exception
 * class. Topics are never used as tags.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerMetrics implements MqttListenerObserver {

	private final MeterRegistry registry;

	private final MeterProvider<Timer> timer;

	/**
	 * Create a new instance.
	 * @param registry the meter registry
	 * @param clientId the client id, the {@code client.id} tag
	 */
	public MqttListenerMetrics(MeterRegistry registry, String clientId) {
		this(registry, clientId, Tags.empty());
	}

	/**
	 * Create a new instance.
	 * @param registry the meter registry
	 * @param clientId the client id, the {@code client.id} tag
	 * @param tags extra tags for every meter
	 */
	public MqttListenerMetrics(MeterRegistry registry, String clientId, Iterable<Tag> tags) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		this.registry = registry;
		this.timer = Timer.builder(MqttMetricsNames.LISTENER)
			.description("Invocations of MQTT listener methods")
			.tags(Tags.of(tags).and(MqttMetricsNames.TAG_CLIENT_ID, clientId))
			.withRegistry(registry);
	}

	@Override
	public Handle start(String listenerId, MqttInboundMessage message) {
		long start = this.registry.config().clock().monotonicTime();
		return (failure) -> this.timer
			.withTags(MqttMetricsNames.TAG_LISTENER_ID, listenerId, MqttMetricsNames.TAG_OUTCOME,
					(failure != null) ? MqttMetricsNames.OUTCOME_FAILURE : MqttMetricsNames.OUTCOME_SUCCESS,
					MqttMetricsNames.TAG_EXCEPTION, exceptionName(failure))
			.record(this.registry.config().clock().monotonicTime() - start, TimeUnit.NANOSECONDS);
	}

	private static String exceptionName(@Nullable Throwable failure) {
		Throwable ex = failure;
		while ((ex instanceof CompletionException || ex instanceof ExecutionException) && ex.getCause() != null) {
			ex = ex.getCause();
		}
		return (ex != null) ? ex.getClass().getSimpleName() : "none";
	}

}
