package dev.mqttspring.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.mqttspring.core.InvalidMqttMessageException;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttPublishObserver;

/**
 * {@link MqttPublishObserver} that keeps the {@code mqtt.publish} timer (from publish to
 * the broker's acknowledgement; tags {@code qos}, {@code outcome}) and the
 * {@code mqtt.publish.refused} counter (publishes refused because of a broker or
 * configured limit; tag {@code reason}), all tagged with the client id. Topics are never
 * used as tags.
 *
 * @author mqtt-spring-boot
 */
public class MqttPublishMetrics implements MqttPublishObserver {

	private static final String[] QOS = { "0", "1", "2" };

	private final MeterRegistry registry;

	private final MeterProvider<Timer> timer;

	private final MeterProvider<Counter> refused;

	/**
	 * Create a new instance.
	 * @param registry the meter registry
	 * @param clientId the client id, the {@code client.id} tag
	 */
	public MqttPublishMetrics(MeterRegistry registry, String clientId) {
		this(registry, clientId, Tags.empty());
	}

	/**
	 * Create a new instance.
	 * @param registry the meter registry
	 * @param clientId the client id, the {@code client.id} tag
	 * @param tags extra tags for every meter
	 */
	public MqttPublishMetrics(MeterRegistry registry, String clientId, Iterable<Tag> tags) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		Tags common = Tags.of(tags).and(MqttMetricsNames.TAG_CLIENT_ID, clientId);
		this.registry = registry;
		this.timer = Timer.builder(MqttMetricsNames.PUBLISH)
			.description("Time from publish to the broker's acknowledgement at the message's QoS (QoS 0: written)")
			.tags(common)
			.withRegistry(registry);
		this.refused = Counter.builder(MqttMetricsNames.PUBLISH_REFUSED)
			.description("Publishes refused because they exceed a limit of the broker or the configuration")
			.tags(common)
			.withRegistry(registry);
	}

	@Override
	public Handle start(MqttOutboundMessage message) {
		String qos = (message.qos() >= 0 && message.qos() < QOS.length) ? QOS[message.qos()] : "unknown";
		long start = this.registry.config().clock().monotonicTime();
		return (failure) -> {
			long duration = this.registry.config().clock().monotonicTime() - start;
			this.timer.withTags(MqttMetricsNames.TAG_QOS, qos, MqttMetricsNames.TAG_OUTCOME, outcome(failure))
				.record(duration, TimeUnit.NANOSECONDS);
			int reasonCode = brokerReasonCode(failure);
			if (reasonCode >= 0x80) {
				this.refused.withTags(MqttMetricsNames.TAG_REASON, String.format("broker-0x%02X", reasonCode)).increment();
			}
		};
	}

	@Override
	public void rejected(String topic, Throwable failure) {
		String limit = exceededLimit(failure);
		if (limit != null) {
			this.refused.withTags(MqttMetricsNames.TAG_REASON, limit).increment();
		}
	}

	/**
	 * Return the outcome tag value of a completed publish.
	 * @param failure the failure, or {@code null} when acknowledged
	 * @return the outcome
	 */
	static String outcome(@Nullable Throwable failure) {
		if (failure == null) {
			return MqttMetricsNames.OUTCOME_SUCCESS;
		}
		if (brokerReasonCode(failure) >= 0x80) {
			return MqttMetricsNames.OUTCOME_REFUSED;
		}
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex instanceof TimeoutException) {
				return MqttMetricsNames.OUTCOME_TIMEOUT;
			}
		}
		return MqttMetricsNames.OUTCOME_FAILURE;
	}

	private static int brokerReasonCode(@Nullable Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex instanceof MqttDeliveryException delivery) {
				return delivery.getReasonCode();
			}
		}
		return -1;
	}

	/**
	 * Return which limit a validation failure reports, or {@code null} if the message was
	 * invalid for another reason (a bad topic, QoS out of range, ...).
	 * @param failure the validation failure
	 * @return the limit or {@code null}
	 */
	static @Nullable String exceededLimit(Throwable failure) {
		if (!(failure instanceof InvalidMqttMessageException invalid)) {
			return null;
		}
		return switch (invalid.getViolation()) {
			case MAXIMUM_QOS_EXCEEDED -> "maximum-qos";
			case PACKET_TOO_LARGE -> "maximum-packet-size";
			case RETAIN_NOT_AVAILABLE -> "retain-available";
			default -> null;
		};
	}

}
