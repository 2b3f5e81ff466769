package dev.mqttspring.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttConnection;

/**
 * {@link MeterBinder} for the state of an {@link MqttConnection}:
 * {@code mqtt.client.connected}, {@code mqtt.client.reconnects}, the offline buffer
 * ({@code mqtt.client.buffer.messages}, {@code mqtt.client.buffer.bytes}) and the time
 * publishers waited for room in it ({@code mqtt.publish.blocked}), tagged with the client
 * id.
 *
 * @author mqtt-spring-boot
 */
public class MqttConnectionMetrics implements MeterBinder {

	private final MqttConnection connection;

	private final Iterable<Tag> tags;

	/**
	 * Create a new binder.
	 * @param connection the connection
	 */
	public MqttConnectionMetrics(MqttConnection connection) {
		this(connection, Tags.empty());
	}

	/**
	 * Create a new binder.
	 * @param connection the connection
	 * @param tags extra tags for every meter
	 */
	public MqttConnectionMetrics(MqttConnection connection, Iterable<Tag> tags) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		this.connection = connection;
		this.tags = Tags.of(tags).and(MqttMetricsNames.TAG_CLIENT_ID, connection.getClientId());
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(MqttMetricsNames.CLIENT_CONNECTED, this.connection, (c) -> c.isConnected() ? 1 : 0)
			.description("Whether the MQTT client is connected to a broker (1) or not (0)")
			.tags(this.tags)
			.register(registry);
		FunctionCounter.builder(MqttMetricsNames.CLIENT_RECONNECTS, this.connection, MqttConnection::getReconnectCount)
			.description("Connections to the broker re-established after a loss")
			.tags(this.tags)
			.register(registry);
		Gauge.builder(MqttMetricsNames.CLIENT_BUFFER_MESSAGES, this.connection, MqttConnection::getBufferedMessages)
			.description("Publishes waiting in the offline buffer (connection down or backlog being sent)")
			.tags(this.tags)
			.register(registry);
		Gauge.builder(MqttMetricsNames.CLIENT_BUFFER_BYTES, this.connection, MqttConnection::getBufferedBytes)
			.description("Bytes (payload and topic) of the publishes waiting in the offline buffer")
			.baseUnit("bytes")
			.tags(this.tags)
			.register(registry);
		FunctionTimer
			.builder(MqttMetricsNames.PUBLISH_BLOCKED, this.connection, MqttConnection::getBlockedPublishCount,
					MqttConnection::getBlockedPublishNanos, TimeUnit.NANOSECONDS)
			.description("Time publishers waited for room in the full offline buffer (mqtt.template.max-block)")
			.tags(this.tags)
			.register(registry);
		if (this.connection.isOutboxEnabled()) {
			Gauge.builder(MqttMetricsNames.OUTBOX_MESSAGES, this.connection, MqttConnection::getOutboxMessages)
				.description("Publishes in the durable outbox whose future has not completed")
				.tags(this.tags)
				.register(registry);
			Gauge.builder(MqttMetricsNames.OUTBOX_BYTES, this.connection, MqttConnection::getOutboxBytes)
				.description("Bytes of the publishes in the durable outbox whose future has not completed")
				.baseUnit("bytes")
				.tags(this.tags)
				.register(registry);
			FunctionCounter.builder(MqttMetricsNames.OUTBOX_REPLAYED, this.connection, MqttConnection::getOutboxReplayed)
				.description("Publishes an earlier run left in the outbox, sent again at start-up")
				.tags(this.tags)
				.register(registry);
		}
	}

}
