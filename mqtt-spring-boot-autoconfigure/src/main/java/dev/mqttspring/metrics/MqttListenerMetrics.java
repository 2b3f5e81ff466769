package dev.mqttspring.metrics;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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

	private final Function<String, Tags> listenerTags;

	private final Map<String, Tags> tagsByListener = new ConcurrentHashMap<>();

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
		Tags common = Tags.of(tags).and(MqttMetricsNames.TAG_CLIENT_ID, clientId);
		this.listenerTags = (listenerId) -> common;
		this.timer = Timer.builder(MqttMetricsNames.LISTENER)
			.description("Invocations of MQTT listener methods")
			.withRegistry(registry);
	}

	/**
	 * Create a new instance whose tags depend on the listener, for listeners on several
	 * connections.
	 * @param registry the meter registry
	 * @param listenerTags the tags of a listener's meters (client id, connection) by
	 * listener id
	 */
	public MqttListenerMetrics(MeterRegistry registry, Function<String, Tags> listenerTags) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(listenerTags, "'listenerTags' must not be null");
		this.registry = registry;
		this.listenerTags = listenerTags;
		this.timer = Timer.builder(MqttMetricsNames.LISTENER)
			.description("Invocations of MQTT listener methods")
			.withRegistry(registry);
	}

	@Override
	public Handle start(String listenerId, MqttInboundMessage message) {
		long start = this.registry.config().clock().monotonicTime();
		return (failure) -> this.timer
			.withTags(this.tagsByListener.computeIfAbsent(listenerId, this.listenerTags)
				.and(MqttMetricsNames.TAG_LISTENER_ID, listenerId, MqttMetricsNames.TAG_OUTCOME,
						(failure != null) ? MqttMetricsNames.OUTCOME_FAILURE : MqttMetricsNames.OUTCOME_SUCCESS,
						MqttMetricsNames.TAG_EXCEPTION, exceptionName(failure)))
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
