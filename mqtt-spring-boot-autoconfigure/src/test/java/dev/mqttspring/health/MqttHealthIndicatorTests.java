package dev.mqttspring.health;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link MqttHealthIndicator}.
 */
class MqttHealthIndicatorTests {

	@Test
	void upWhenConnectedWithDetails() {
		StubMqttConnection connection = new StubMqttConnection().clientId("orders-1")
			.serverUris("tcp://127.0.0.1:1883", "tcp://127.0.0.1:1884")
			.sessionPresent(true)
			.reconnects(2)
			.limits(new MqttBrokerLimits(1, 1024, false, true, false, true, 20, 10, 30))
			.subscription("orders/+", 2, 1, "orderListener");
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).contains(entry("state", "CONNECTED"), entry("url", "tcp://127.0.0.1:1883"),
				entry("urls", List.of("tcp://127.0.0.1:1883", "tcp://127.0.0.1:1884")), entry("clientId", "orders-1"),
				entry("version", "5"), entry("sessionPresent", true), entry("reconnects", 2L))
			.doesNotContainKeys("error", "refusedSubscriptions");
		assertThat(health.getDetails().get("brokerLimits")).asInstanceOf(InstanceOfAssertFactories.MAP)
			.contains(entry("maximumQos", 1), entry("maximumPacketSize", 1024L), entry("retainAvailable", false),
					entry("sharedSubscriptionAvailable", false), entry("receiveMaximum", 20),
					entry("serverKeepAliveSeconds", 30));
		assertThat(subscriptions(health, "subscriptions")).singleElement()
			.satisfies((subscription) -> assertThat(subscription).contains(entry("filter", "orders/+"),
					entry("requestedQos", 2), entry("grantedQos", 1), entry("listeners", List.of("orderListener")))
				.containsKey("reason"));
	}

	@Test
	void downWithTheLastCauseInWords() {
		StubMqttConnection connection = new StubMqttConnection().disconnected("bad user name or password (0x86)");
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).contains(entry("state", "DISCONNECTED"),
				entry("error", "bad user name or password (0x86)"))
			.doesNotContainKeys("url", "brokerLimits");
	}

	@Test
	void downWhileConnectingWithoutAFailureYet() {
		StubMqttConnection connection = new StubMqttConnection().state(MqttConnectionState.CONNECTING);
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).contains(entry("error", "connecting"));
	}

	@Test
	void refusedSubscriptionIsOutOfServiceByDefault() {
		StubMqttConnection connection = new StubMqttConnection().subscription("granted/#", 1, 1, "a")
			.subscription("secret/#", 1, 0x87, "b", "c");
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(subscriptions(health, "subscriptions")).extracting((s) -> s.get("filter")).containsExactly("granted/#");
		assertThat(subscriptions(health, "refusedSubscriptions")).singleElement()
			.satisfies((refused) -> assertThat(refused).contains(entry("filter", "secret/#"), entry("reasonCode", "0x87"),
					entry("reason", "not authorized (0x87)"), entry("listeners", List.of("b", "c"))));
	}

	@Test
	void refusedSubscriptionStatusIsConfigurable() {
		StubMqttConnection connection = new StubMqttConnection().subscription("secret/#", 1, 0x80, "b");
		assertThat(new MqttHealthIndicator(connection, Status.UP).health().getStatus()).isEqualTo(Status.UP);
		assertThat(new MqttHealthIndicator(connection, Status.DOWN).health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void downWinsOverRefusedSubscription() {
		StubMqttConnection connection = new StubMqttConnection().subscription("secret/#", 1, 0x80, "b")
			.disconnected("connection lost");
		assertThat(new MqttHealthIndicator(connection).health().getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void pendingSubscriptionIsShownAsPending() {
		StubMqttConnection connection = new StubMqttConnection().subscription("later/#", 1, null, "a");
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(subscriptions(health, "subscriptions")).singleElement()
			.satisfies((s) -> assertThat(s).contains(entry("status", "pending")).doesNotContainKey("grantedQos"));
	}

	@Test
	void credentialsInUrlsAndFailuresAreMasked() {
		StubMqttConnection connection = new StubMqttConnection().serverUris("tcp://alice:s3cret@127.0.0.1:1883")
			.disconnected("Could not connect to tcp://alice:s3cret@127.0.0.1:1883: refused");
		Health health = new MqttHealthIndicator(connection).health(true);
		assertThat(health.getDetails().toString()).doesNotContain("s3cret").doesNotContain("alice");
		assertThat(health.getDetails()).contains(entry("urls", List.of("tcp://******@127.0.0.1:1883")));
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> subscriptions(Health health, String key) {
		return (List<Map<String, Object>>) health.getDetails().get(key);
	}

}
