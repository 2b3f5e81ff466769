package dev.mqttspring.client.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.MqttClientAdapter.CompletionCallback;
import dev.mqttspring.client.MqttClientAdapter.SubscribeCallback;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SubscribeCalls} over a fake client.
 */
class SubscribeCallsTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final ConnectionStatus status = new ConnectionStatus(this.settings, LogFactory.getLog(getClass()));

	private final FakeClient client = new FakeClient();

	private final List<String> added = new CopyOnWriteArrayList<>();

	private final SubscribeCalls calls = new SubscribeCalls(this.registry, new ReentrantLock(), this.status, this.settings,
			this.client, () -> this.added.add("added"), LogFactory.getLog(getClass()));

	private void connect(MqttBrokerLimits limits) {
		this.status.connected("tcp://a:1883", false, limits);
		this.status.setState(MqttConnectionState.CONNECTED);
	}

	private static MqttSubscription subscription(String filter, int qos) {
		return new MqttSubscription(filter, qos, (message) -> {
		}, "listener-" + filter);
	}

	@Test
	void subscribeWhileConnectedIsSentCappedAtMaxQosAndCompletesWithTheGrant() throws Exception {
		this.settings.setMaxQos(1);
		connect(MqttBrokerLimits.UNRESTRICTED);
		List<MqttSubscriptionResult> told = new CopyOnWriteArrayList<>();
		this.status.addListener(new MqttConnectionListener() {

			@Override
			public void subscribed(MqttSubscriptionResult result) {
				told.add(result);
			}

		});
		CompletableFuture<MqttSubscriptionResult> future = this.calls.subscribe(subscription("a/#", 2));
		assertThat(this.client.sent).singleElement().asString().startsWith("subscribe a/# qos 1 id ");
		assertThat(future).isCompleted();
		assertThat(future.get().isGranted()).isTrue();
		assertThat(told).containsExactly(future.get());
		assertThat(this.added).containsExactly("added");
		assertThat(this.calls.states()).singleElement().satisfies((state) -> assertThat(state.result()).isEqualTo(future.get()));
	}

	@Test
	void subscribeWhileDisconnectedWaitsForTheNextConnection() {
		CompletableFuture<MqttSubscriptionResult> future = this.calls.subscribe(subscription("a/b", 1));
		assertThat(this.client.sent).isEmpty();
		assertThat(future).isNotDone();
		connect(MqttBrokerLimits.UNRESTRICTED);
		this.registry.toSubscribe(false).forEach(this.calls::send);
		assertThat(this.client.sent).singleElement().asString().startsWith("subscribe a/b qos 1");
		assertThat(future).isCompleted();
	}

	@Test
	void sharedSubscriptionIsRefusedWithoutSendingItWhenTheBrokerDoesNotSupportIt() throws Exception {
		connect(new MqttBrokerLimits(2, 1000, true, true, false, false, 10, 0, -1));
		CompletableFuture<MqttSubscriptionResult> future = this.calls.subscribe(subscription("$share/g/a", 1));
		assertThat(this.client.sent).isEmpty();
		assertThat(future.get().reasonCode()).isEqualTo(0x9E);
	}

	@Test
	void subscriptionIdentifierIsSentOnlyWhenTheBrokerSupportsThem() {
		connect(new MqttBrokerLimits(2, 1000, true, true, true, false, 10, 0, -1));
		this.calls.subscribe(subscription("a/b", 1));
		assertThat(this.client.sent).containsExactly("subscribe a/b qos 1 id 0");
	}

	@Test
	void subscriptionTheClientRefusesLocallyIsRefused() throws Exception {
		connect(MqttBrokerLimits.UNRESTRICTED);
		this.client.refuseLocally = true;
		CompletableFuture<MqttSubscriptionResult> future = this.calls.subscribe(subscription("a/+", 1));
		assertThat(future.get().reasonCode()).isEqualTo(0xA2);
	}

	@Test
	void unsubscribeThatFailsCompletesWithADeliveryException() {
		connect(MqttBrokerLimits.UNRESTRICTED);
		MqttSubscription subscription = subscription("a/b", 1);
		this.calls.subscribe(subscription);
		this.client.failUnsubscribe = true;
		CompletableFuture<Void> future = this.calls.unsubscribe(subscription);
		assertThat(future).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
			.withCauseInstanceOf(MqttDeliveryException.class)
			.withMessageContaining("Unsubscribing from 'a/b' failed: no such filter");
		assertThat(this.calls.states()).isEmpty();
	}

	@Test
	void unsubscribeWithoutAClientCompletes() {
		connect(MqttBrokerLimits.UNRESTRICTED);
		MqttSubscription subscription = subscription("a/b", 1);
		this.calls.subscribe(subscription);
		this.client.present = false;
		assertThat(this.calls.unsubscribe(subscription)).isCompleted();
		assertThat(this.client.sent).noneMatch((sent) -> sent.startsWith("unsubscribe"));
	}

	static final class FakeClient implements SubscribeCalls.Client {

		final List<String> sent = new CopyOnWriteArrayList<>();

		volatile boolean present = true;

		volatile boolean refuseLocally;

		volatile boolean failUnsubscribe;

		@Override
		public boolean hasClient() {
			return this.present;
		}

		@Override
		public void subscribe(String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
				SubscribeCallback callback) {
			if (this.refuseLocally) {
				throw new IllegalArgumentException("no wildcards here");
			}
			this.sent.add("subscribe " + filter + " qos " + qos + " id " + subscriptionId);
			callback.subscribed(qos);
		}

		@Override
		public boolean unsubscribe(String filter, CompletionCallback callback) {
			if (!this.present) {
				return false;
			}
			this.sent.add("unsubscribe " + filter);
			if (this.failUnsubscribe) {
				callback.failed(new IllegalStateException("no such filter"));
			}
			else {
				callback.completed(0);
			}
			return true;
		}

		@Override
		public int reasonCodeOf(Throwable ex) {
			return -1;
		}

		@Override
		public String describe(Throwable ex) {
			return ex.getMessage();
		}

	}

}
