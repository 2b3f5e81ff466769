package dev.mqttspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerSubscriptions}: one copy of a message across overlapping
 * filters, the broker's answers, and release on stop.
 */
class ListenerSubscriptionsTests {

	private final List<MqttSubscription> subscribed = new ArrayList<>();

	private final List<String> received = new ArrayList<>();

	private final List<String> acknowledged = new ArrayList<>();

	@Test
	void overlappingFiltersDeliverOneCopy() {
		ListenerSubscriptions subscriptions = subscriptions(new RecordingConnection(-1));
		List<CompletableFuture<MqttSubscriptionResult>> futures = subscriptions.subscribe("'orders'",
				MqttSubscriptionOptions.DEFAULTS, (message) -> this.received.add(message.getTopic()));
		assertThat(subscriptions.await(futures, Duration.ofSeconds(1))).isEmpty();
		this.subscribed.get(0).getHandler().handleMessage(message("a/b"));
		this.subscribed.get(1).getHandler().handleMessage(message("a/b"));
		assertThat(this.received).containsExactly("a/b");
		assertThat(this.acknowledged).containsExactly("a/b");
		assertThat(subscriptions.getResults(false)).extracting(MqttSubscriptionResult::filter).containsExactly("a/+", "a/b");
	}

	@Test
	void refusedFilterIsSkippedAndReported() {
		ListenerSubscriptions subscriptions = subscriptions(new RecordingConnection(0));
		List<CompletableFuture<MqttSubscriptionResult>> futures = subscriptions.subscribe("'orders'",
				MqttSubscriptionOptions.DEFAULTS, (message) -> this.received.add(message.getTopic()));
		assertThat(subscriptions.await(futures, Duration.ofSeconds(1))).singleElement()
			.asString()
			.startsWith("the broker refused 'a/+'");
		this.subscribed.get(1).getHandler().handleMessage(message("a/b"));
		assertThat(this.received).containsExactly("a/b");
		assertThat(subscriptions.firstMatchingFilter("a/b")).isOne();
	}

	@Test
	void releaseUnsubscribesWhatWasRemoved() {
		RecordingConnection connection = new RecordingConnection(-1);
		ListenerSubscriptions subscriptions = subscriptions(connection);
		subscriptions.subscribe("'orders'", MqttSubscriptionOptions.DEFAULTS, (message) -> {
		});
		List<MqttSubscription> removed = subscriptions.removeAll();
		assertThat(removed).hasSize(2);
		subscriptions.release(removed, false, Duration.ofSeconds(1).toNanos());
		assertThat(connection.getSubscriptions()).isEmpty();
		assertThat(subscriptions.removeAll()).isEmpty();
	}

	private ListenerSubscriptions subscriptions(RecordingConnection connection) {
		return new ListenerSubscriptions(connection, "orders", List.of("a/+", "a/b"), 1);
	}

	private MqttInboundMessage message(String topic) {
		return new MqttInboundMessage(topic, new byte[0], 1, false, false, 1, MqttMessageProperties.NONE,
				() -> this.acknowledged.add(topic));
	}

	private final class RecordingConnection extends StubMqttConnection {

		private final int refused;

		RecordingConnection(int refused) {
			this.refused = refused;
		}

		@Override
		public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
			int index = ListenerSubscriptionsTests.this.subscribed.size();
			ListenerSubscriptionsTests.this.subscribed.add(subscription);
			if (index == this.refused) {
				return CompletableFuture.completedFuture(new MqttSubscriptionResult(subscription.getFilter(), 1, 0x80));
			}
			return super.subscribe(subscription);
		}

	}

}
