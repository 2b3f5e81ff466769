package dev.mqttspring.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.util.Assert;

import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.listener.MqttListenerContainer;

/**
 * {@link MeterBinder} for the counts every listener container keeps:
 * {@code mqtt.listener.received}, {@code mqtt.listener.processed},
 * {@code mqtt.listener.failed}, {@code mqtt.listener.dead.lettered},
 * {@code mqtt.listener.dropped} with the tag {@code reason} (function counters)
 * and {@code mqtt.listener.queued} and {@code mqtt.listener.active} (gauges), tagged with the client id and the listener id.
 * Containers registered after binding are bound when the context is refreshed, or
 * through {@link #bindListeners()}.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerContainerMetrics implements MeterBinder, ApplicationListener<ContextRefreshedEvent> {

	private final MqttListenerEndpointRegistry endpointRegistry;

	private final Function<MqttListenerContainer, Tags> containerTags;

	private final Set<String> bound = ConcurrentHashMap.newKeySet();

	private volatile @Nullable MeterRegistry meterRegistry;

	/**
	 * Create a new binder.
	 * @param endpointRegistry the listener registry
	 * @param clientId the client id, the {@code client.id} tag
	 */
	public MqttListenerContainerMetrics(MqttListenerEndpointRegistry endpointRegistry, String clientId) {
		this(endpointRegistry, clientId, Tags.empty());
	}

	/**
	 * Create a new binder.
	 * @param endpointRegistry the listener registry
	 * @param clientId the client id, the {@code client.id} tag
	 * @param tags extra tags for every meter
	 */
	public MqttListenerContainerMetrics(MqttListenerEndpointRegistry endpointRegistry, String clientId,
			Iterable<Tag> tags) {
		Assert.notNull(endpointRegistry, "'endpointRegistry' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		this.endpointRegistry = endpointRegistry;
		Tags common = Tags.of(tags).and(MqttMetricsNames.TAG_CLIENT_ID, clientId);
		this.containerTags = (container) -> common;
	}

	/**
	 * Create a new binder whose tags depend on the container, for listeners on several
	 * connections.
	 * @param endpointRegistry the listener registry
	 * @param containerTags the tags of a container's meters (client id, connection), to
	 * which the listener id is added
	 */
	public MqttListenerContainerMetrics(MqttListenerEndpointRegistry endpointRegistry,
			Function<MqttListenerContainer, Tags> containerTags) {
		Assert.notNull(endpointRegistry, "'endpointRegistry' must not be null");
		Assert.notNull(containerTags, "'containerTags' must not be null");
		this.endpointRegistry = endpointRegistry;
		this.containerTags = containerTags;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.meterRegistry = registry;
		bindListeners();
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		bindListeners();
	}

	/**
	 * Bind the meters of containers that are not bound yet; does nothing before
	 * {@link #bindTo(MeterRegistry)}.
	 */
	public void bindListeners() {
		MeterRegistry registry = this.meterRegistry;
		if (registry == null) {
			return;
		}
		for (MqttListenerContainer container : this.endpointRegistry.getListenerContainers()) {
			if (this.bound.add(container.getListenerId())) {
				bind(registry, container);
			}
		}
	}

	private void bind(MeterRegistry registry, MqttListenerContainer container) {
		Tags tags = this.containerTags.apply(container).and(MqttMetricsNames.TAG_LISTENER_ID, container.getListenerId());
		counter(registry, MqttMetricsNames.LISTENER_RECEIVED, "Messages received by an MQTT listener", container, tags,
				MqttListenerContainer::getReceivedCount);
		counter(registry, MqttMetricsNames.LISTENER_PROCESSED, "Messages an MQTT listener processed successfully",
				container, tags, MqttListenerContainer::getProcessedCount);
		counter(registry, MqttMetricsNames.LISTENER_FAILED, "Messages an MQTT listener failed to handle, after retries",
				container, tags, MqttListenerContainer::getFailedCount);
		counter(registry, MqttMetricsNames.LISTENER_DEAD_LETTERED, "Failed messages published to a dead-letter topic",
				container, tags, MqttListenerContainer::getDeadLetteredCount);
		counter(registry, MqttMetricsNames.LISTENER_DROPPED,
				"Messages for an MQTT listener dropped because they were larger than mqtt.max-inbound-packet-size",
				container, tags.and(MqttMetricsNames.TAG_REASON, MqttMetricsNames.REASON_TOO_LARGE),
				MqttListenerContainer::getTooLargeCount);
		counter(registry, MqttMetricsNames.LISTENER_DROPPED,
				"QoS 0 messages an MQTT listener dropped because its queue was full", container,
				tags.and(MqttMetricsNames.TAG_REASON, MqttMetricsNames.REASON_QUEUE_FULL),
				MqttListenerContainer::getDroppedCount);
		Gauge.builder(MqttMetricsNames.LISTENER_QUEUED, container, MqttListenerContainer::getQueueSize)
			.description("Received messages waiting to be processed by an MQTT listener")
			.tags(tags)
			.register(registry);
		Gauge.builder(MqttMetricsNames.LISTENER_ACTIVE, container, MqttListenerContainer::getActiveCount)
			.description("Messages an MQTT listener is processing now (active workers, at most its concurrency)")
			.tags(tags)
			.register(registry);
	}

	private static void counter(MeterRegistry registry, String name, String description,
			MqttListenerContainer container, Tags tags, ToDoubleFunction<MqttListenerContainer> count) {
		FunctionCounter.builder(name, container, count).description(description).tags(tags).register(registry);
	}

}
