package dev.mqttspring.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.observation.MqttListenerObserver.Handle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttListenerMetrics}.
 */
class MqttListenerMetricsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MqttListenerMetrics metrics = new MqttListenerMetrics(this.registry, "c1");

	@Test
	void timesInvocationsByListenerAndOutcome() {
		Handle handle = this.metrics.start("orders", message());
		this.clock.add(5, TimeUnit.MILLISECONDS);
		handle.stop(null);
		this.metrics.start("orders", message()).stop(new IllegalStateException("boom"));
		assertThat(this.registry.get("mqtt.listener")
			.tags("client.id", "c1", "listener.id", "orders", "outcome", "success", "exception", "none")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
		assertThat(this.registry.get("mqtt.listener")
			.tags("listener.id", "orders", "outcome", "failure", "exception", "IllegalStateException")
			.timer()
			.count()).isOne();
	}

	@Test
	void tagsEachListenerWithItsConnection() {
		MqttListenerMetrics metrics = new MqttListenerMetrics(this.registry,
				(listenerId) -> listenerId.startsWith("cloud") ? Tags.of("client.id", "c2", "connection", "cloud")
						: Tags.of("client.id", "c1", "connection", "default"));
		metrics.start("orders", message()).stop(null);
		metrics.start("cloud-orders", message()).stop(null);
		assertThat(this.registry.get("mqtt.listener")
			.tags("client.id", "c1", "connection", "default", "listener.id", "orders")
			.timer()
			.count()).isOne();
		assertThat(this.registry.get("mqtt.listener")
			.tags("client.id", "c2", "connection", "cloud", "listener.id", "cloud-orders")
			.timer()
			.count()).isOne();
	}

	private static MqttInboundMessage message() {
		return new MqttInboundMessage("orders/1", new byte[0], 1, false, false, 1, MqttMessageProperties.NONE, () -> {
		});
	}

}
