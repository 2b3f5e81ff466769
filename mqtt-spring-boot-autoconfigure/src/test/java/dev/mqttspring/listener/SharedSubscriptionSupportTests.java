package dev.mqttspring.listener;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.health.MqttHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code group} listener where the broker's shared subscription support is unknown
 * (MQTT 3.1.1) or announced as missing (MQTT 5 CONNACK Shared Subscription Available = 0,
 * here the embedded HiveMQ CE with shared subscriptions disabled).
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedSubscriptionSupportTests {

	private static EmbeddedMqttBroker withoutSharedSubscriptions;

	@BeforeAll
	static void startBroker() {
		withoutSharedSubscriptions = EmbeddedMqttBroker.builder().port(0).sharedSubscriptionsEnabled(false).build();
		withoutSharedSubscriptions.start();
	}

	@AfterAll
	static void stopBroker() {
		withoutSharedSubscriptions.stop();
	}

	@Test
	void mqtt5BrokerWithoutSharedSubscriptionsRefusesTheGroupListenerClearly(CapturedOutput output) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(withoutSharedSubscriptions.getUrl(), "5", prefix)
			.withConfiguration(AutoConfigurations.of(MqttHealthContributorAutoConfiguration.class))
			.withUserConfiguration(GroupListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("grouped");
				await().atMost(ListenerTestSupport.timeout()).until(() -> !container.getSubscriptionResults().isEmpty());
				MqttSubscriptionResult result = container.getSubscriptionResults().get(0);
				assertThat(result.isGranted()).isFalse();
				assertThat(result.reasonCode()).isEqualTo(0x9E);
				assertThat(output).contains("Listener(s) [grouped] subscribe to the shared subscription '$share/g/" + prefix
						+ "/jobs', but the broker announced in its CONNACK that it does not support shared subscriptions");
				Health health = context.getBean(MqttHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(health.getDetails()).containsKey("refusedSubscriptions");
			});
	}

	@Test
	void mqtt5BrokerWithoutSharedSubscriptionsFailsStartUpWithFailFast() {
		ListenerTestSupport.runner(withoutSharedSubscriptions.getUrl(), "5", ListenerTestSupport.prefix())
			.withPropertyValues("mqtt.fail-fast=true")
			.withUserConfiguration(GroupListener.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Listener")
				.hasMessageContaining("grouped"));
	}

	@Test
	void mqtt311GroupListenerGetsAWarningAndAHealthDetail(CapturedOutput output) {
		runGroupListenerOnMosquitto("3.1.1", (prefix, container, health) -> {
			assertThat(output).contains("subscribes to the shared subscription(s) [$share/g/" + prefix + "/jobs] over MQTT 3.1.1")
				.contains("Check that it receives a message published to '" + prefix + "/jobs'");
			assertThat(output.toString()).containsOnlyOnce("over MQTT 3.1.1, which cannot announce");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(subscription(health, "$share/g/" + prefix + "/jobs")).containsKey("sharedSubscription");
		});
	}

	@Test
	void mqtt5BrokerWithSharedSubscriptionsNeedsNoWarning(CapturedOutput output) {
		runGroupListenerOnMosquitto("5", (prefix, container, health) -> {
			assertThat(container.getSubscriptionResults().get(0).isGranted()).isTrue();
			assertThat(output).doesNotContain("cannot announce whether the broker supports shared subscriptions");
			assertThat(subscription(health, "$share/g/" + prefix + "/jobs")).doesNotContainKey("sharedSubscription");
		});
	}

	/**
	 * Runs the group listener against the shared mosquitto, waits for its subscription result and hands
	 * the topic prefix, the container and the connection's health to the check.
	 */
	private static void runGroupListenerOnMosquitto(String version, GroupListenerCheck check) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.MOSQUITTO_URL, version, prefix)
			.withConfiguration(AutoConfigurations.of(MqttHealthContributorAutoConfiguration.class))
			.withUserConfiguration(GroupListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("grouped");
				await().atMost(ListenerTestSupport.timeout()).until(() -> !container.getSubscriptionResults().isEmpty());
				check.check(prefix, container, context.getBean(MqttHealthIndicator.class).health(true));
			});
	}

	@FunctionalInterface
	private interface GroupListenerCheck {

		void check(String prefix, MqttListenerContainer container, Health health);

	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> subscription(Health health, String filter) {
		List<Map<String, Object>> subscriptions = (List<Map<String, Object>>) health.getDetails().get("subscriptions");
		return subscriptions.stream().filter((s) -> filter.equals(s.get("filter"))).findFirst().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class GroupListener {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	static class Jobs {

		@MqttSubscribe(id = "grouped", topics = "${test.prefix}/jobs", group = "g")
		void onJob(String job) {
		}

	}

}
