package dev.mqttspring.autoconfigure.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.StubMqttConnection;
import dev.mqttspring.metrics.MqttConnectionMetrics;
import dev.mqttspring.metrics.MqttListenerMetrics;
import dev.mqttspring.metrics.MqttPublishMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttMetricsAutoConfiguration}.
 */
class MqttMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
		.withBean(MqttConnection.class, () -> new StubMqttConnection().clientId("c1"));

	@Test
	void bindsConnectionMeters() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionMetrics.class)
				.hasSingleBean(MqttPublishMetrics.class)
				.hasSingleBean(MqttListenerMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("mqtt.client.connected").tag("client.id", "c1").gauge().value()).isEqualTo(1.0);
			assertThat(registry.get("mqtt.client.reconnects").tag("client.id", "c1").functionCounter().count()).isZero();
		});
	}

	@Test
	void templatePublishesAreTimed() {
		this.runner.run((context) -> {
			context.getBean(MqttTemplate.class).publish("metrics/test", "hello", 1, false).get(5, TimeUnit.SECONDS);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("mqtt.publish").tags("client.id", "c1", "qos", "1", "outcome", "success").timer().count())
				.isOne();
		});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
			.withBean(MqttConnection.class, StubMqttConnection::new)
			.run((context) -> assertThat(context).doesNotHaveBean(MqttConnectionMetrics.class)
				.doesNotHaveBean(MqttPublishMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class))
			.withBean(MqttConnection.class, StubMqttConnection::new)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MqttConnectionMetrics.class)
				.doesNotHaveBean(MqttPublishMetrics.class)
				.doesNotHaveBean(MqttListenerMetrics.class));
	}

	@Test
	void backsOffForUserDefinedBeans() {
		this.runner.withBean("customConnectionMetrics", MqttConnectionMetrics.class,
				() -> new MqttConnectionMetrics(new StubMqttConnection().clientId("custom")))
			.run((context) -> assertThat(context).hasSingleBean(MqttConnectionMetrics.class)
				.hasBean("customConnectionMetrics"));
	}

}
