package dev.mqttspring.metrics;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.InvalidMqttMessageException;
import dev.mqttspring.core.InvalidMqttMessageException.Violation;
import dev.mqttspring.core.InvalidTopicException;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttPublishObserver.Handle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttPublishMetrics}.
 */
class MqttPublishMetricsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MqttPublishMetrics metrics = new MqttPublishMetrics(this.registry, "c1");

	@Test
	void timesFromStartToAcknowledgementByQosAndOutcome() {
		Handle handle = this.metrics.start(message("sensors/1/temp", 1));
		this.clock.add(25, TimeUnit.MILLISECONDS);
		handle.stop(null);
		this.metrics.start(message("sensors/2/temp", 0)).stop(null);
		assertThat(this.registry.get("mqtt.publish")
			.tags("client.id", "c1", "qos", "1", "outcome", "success")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(25.0);
		assertThat(this.registry.get("mqtt.publish").tags("qos", "0", "outcome", "success").timer().count()).isOne();
	}

	@Test
	void classifiesFailures() {
		this.metrics.start(message("t", 2)).stop(new CompletionException(new TimeoutException("no PUBCOMP")));
		this.metrics.start(message("t", 1))
			.stop(new MqttDeliveryException("refused: quota exceeded (0x97)", 0x97, null));
		this.metrics.start(message("t", 1)).stop(new MqttDeliveryException("offline buffer full"));
		assertThat(this.registry.get("mqtt.publish").tags("qos", "2", "outcome", "timeout").timer().count()).isOne();
		assertThat(this.registry.get("mqtt.publish").tags("qos", "1", "outcome", "refused").timer().count()).isOne();
		assertThat(this.registry.get("mqtt.publish").tags("qos", "1", "outcome", "failure").timer().count()).isOne();
		assertThat(this.registry.get("mqtt.publish.refused").tags("client.id", "c1", "reason", "broker-0x97").counter().count())
			.isOne();
	}

	@Test
	void countsPublishesRefusedByALimit() {
		this.metrics.rejected("t", new InvalidMqttMessageException("t", Violation.MAXIMUM_QOS_EXCEEDED, "QoS 2 > 1"));
		this.metrics.rejected("t", new InvalidMqttMessageException("t", Violation.PACKET_TOO_LARGE, "30 > 20 bytes"));
		this.metrics.rejected("t", new InvalidMqttMessageException("t", Violation.RETAIN_NOT_AVAILABLE, "no retain"));
		this.metrics.rejected("t", new InvalidMqttMessageException("t", Violation.INVALID_QOS, "QoS 3"));
		this.metrics.rejected("a/+", new InvalidTopicException("a/+", "Topic 'a/+' contains wildcard '+'"));
		assertThat(this.registry.get("mqtt.publish.refused").tag("reason", "maximum-qos").counter().count()).isOne();
		assertThat(this.registry.get("mqtt.publish.refused").tag("reason", "maximum-packet-size").counter().count())
			.isOne();
		assertThat(this.registry.get("mqtt.publish.refused").tag("reason", "retain-available").counter().count()).isOne();
		assertThat(this.registry.find("mqtt.publish.refused").counters()).hasSize(3);
	}

	@Test
	void neverTagsTopics() {
		this.metrics.start(message("devices/4711/status", 1)).stop(null);
		this.metrics.rejected("devices/4711/status", new InvalidMqttMessageException("devices/4711/status",
				Violation.MAXIMUM_QOS_EXCEEDED, "QoS 2 for topic 'devices/4711/status' exceeds the maximum QoS 1"));
		assertThat(this.registry.getMeters()).flatExtracting((Meter meter) -> meter.getId().getTags())
			.noneMatch((tag) -> tag.getValue().contains("4711"));
	}

	private static MqttOutboundMessage message(String topic, int qos) {
		return new MqttOutboundMessage(topic, new byte[] { 1 }, qos, false, MqttMessageProperties.NONE);
	}

}
