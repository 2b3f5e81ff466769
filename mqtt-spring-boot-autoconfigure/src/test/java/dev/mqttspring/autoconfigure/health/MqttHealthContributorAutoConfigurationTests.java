package dev.mqttspring.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttHealthContributorAutoConfiguration}.
 */
class MqttHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MqttAutoConfiguration.class, MqttHealthContributorAutoConfiguration.class))
		.withBean(MqttConnection.class, () -> new StubMqttConnection().subscription("secret/#", 1, 0x87, "l1"));

	@Test
	void registersTheMqttHealthContributor() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MqttHealthIndicator.class).hasBean("mqttHealthContributor");
			assertThat(context.getBean(MqttHealthIndicator.class).health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void refusedSubscriptionStatusIsConfigurable() {
		this.runner.withPropertyValues("management.health.mqtt.refused-subscription-status=up")
			.run((context) -> assertThat(context.getBean(MqttHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UP));
	}

	@Test
	void emptyRefusedSubscriptionStatusFailsWithTheProperty() {
		this.runner.withPropertyValues("management.health.mqtt.refused-subscription-status= ")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("management.health.mqtt.refused-subscription-status"));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("management.health.mqtt.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttHealthIndicator.class));
	}

	@Test
	void disabledWithAllDefaultIndicators() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MqttHealthIndicator.class));
	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).hasSingleBean(MqttConnection.class)
				.doesNotHaveBean(MqttHealthIndicator.class));
	}

	@Test
	void backsOffWithoutAConnection() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MqttHealthIndicator.class));
	}

	@Test
	void backsOffForAUserDefinedIndicator() {
		this.runner.withBean("mqttHealthIndicator", HealthIndicator.class, () -> () -> null)
			.run((context) -> assertThat(context).doesNotHaveBean(MqttHealthIndicator.class)
				.hasBean("mqttHealthIndicator"));
	}

}
