package dev.mqttspring.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttSubscriptionResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnectionStatus}.
 */
class ConnectionStatusTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	@Test
	void stateChangeMovesTheTimestampOnlyWhenTheStateChanges() {
		ConnectionStatus status = new ConnectionStatus(this.settings, LogFactory.getLog(getClass()));
		assertThat(status.state()).isEqualTo(MqttConnectionState.STOPPED);
		Instant before = status.stateChangedAt();
		// the clock must move past the first timestamp, or no change could show
		await().atMost(Duration.ofSeconds(1)).until(() -> Instant.now().isAfter(before));
		status.setState(MqttConnectionState.STOPPED);
		assertThat(status.stateChangedAt()).isEqualTo(before);
		status.setState(MqttConnectionState.CONNECTING);
		assertThat(status.stateChangedAt()).isAfter(before);
		assertThat(status.isConnected()).isFalse();
	}

	@Test
	void connectionNarrowsTheBrokerLimitsAndCountsReconnects() {
		this.settings.setMaxQos(1);
		this.settings.setMaxPacketSize(1000);
		ConnectionStatus status = new ConnectionStatus(this.settings, LogFactory.getLog(getClass()));
		assertThat(status.brokerLimits().maximumQos()).isEqualTo(1);
		status.failed("refused");
		assertThat(status.connected("tcp://a:1883", true, MqttBrokerLimits.UNRESTRICTED)).isFalse();
		assertThat(status.lastFailure()).isNull();
		assertThat(status.isSessionPresent()).isTrue();
		assertThat(status.brokerLimits().maximumQos()).isEqualTo(1);
		assertThat(status.brokerLimits().maximumPacketSize()).isEqualTo(1000);
		assertThat(status.connectedUri()).as("only once the state reads CONNECTED").isNull();
		status.setState(MqttConnectionState.CONNECTED);
		assertThat(status.connectedUri()).isEqualTo("tcp://a:1883");
		status.disconnected();
		status.setState(MqttConnectionState.DISCONNECTED);
		assertThat(status.connectedUri()).isNull();
		assertThat(status.connected("tcp://b:1883", false, MqttBrokerLimits.UNRESTRICTED)).isTrue();
		status.countReconnect();
		assertThat(status.reconnectCount()).isEqualTo(1);
	}

	@Test
	void listenerThatThrowsDoesNotKeepTheOthersFromBeingTold() {
		ConnectionStatus status = new ConnectionStatus(this.settings, LogFactory.getLog(getClass()));
		List<String> told = new CopyOnWriteArrayList<>();
		status.addListener(new MqttConnectionListener() {

			@Override
			public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
				throw new IllegalStateException("broken listener");
			}

			@Override
			public void subscribed(MqttSubscriptionResult result) {
				throw new OutOfMemoryError("not really");
			}

		});
		status.addListener(new MqttConnectionListener() {

			@Override
			public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
				told.add("connected " + serverUri + " " + reconnect + " " + sessionPresent);
			}

			@Override
			public void connectionLost(String cause, int reasonCode) {
				told.add("lost " + cause + " " + reasonCode);
			}

			@Override
			public void subscribed(MqttSubscriptionResult result) {
				told.add("subscribed " + result.filter());
			}

		});
		status.notifyConnected("tcp://a:1883", true, false);
		status.notifyConnectionLost("gone", 0x8B);
		status.notifySubscribed(new MqttSubscriptionResult("a/#", 1, 1));
		assertThat(told).containsExactly("connected tcp://a:1883 true false", "lost gone 139", "subscribed a/#");
	}

}
