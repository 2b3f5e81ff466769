package dev.mqttspring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttEnhancedAuthenticator;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DefaultMqttConnection} over a {@link FakeClientAdapter}: no broker.
 */
class DefaultMqttConnectionTests {

	private final FakeClientAdapter adapter = new FakeClientAdapter();

	private final AtomicReference<MqttClientCallbacks> callbacks = new AtomicReference<>();

	private DefaultMqttConnection connection(MqttConnectionSettings settings) {
		return new DefaultMqttConnection(settings, (callbacks) -> {
			this.callbacks.set(callbacks);
			return this.adapter;
		});
	}

	private static MqttConnectionSettings settings() {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setClientId("fake");
		settings.setServerUris(List.of("tcp://127.0.0.1:1"));
		settings.setReconnectMinDelay(Duration.ofMillis(50));
		settings.setReconnectMaxDelay(Duration.ofMillis(100));
		return settings;
	}

	@Test
	void connectedUriIsTheConfiguredOne() {
		MqttConnectionSettings settings = settings();
		settings.setServerUris(List.of("ws://127.0.0.1:8000/mqtt", "ws://localhost/mqtt"));
		this.adapter.serverUri = "ws://127.0.0.1:8000";
		DefaultMqttConnection connection = connection(settings);
		connection.start();
		try {
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
			assertThat(connection.getConnectedServerUri()).isEqualTo("ws://127.0.0.1:8000/mqtt");
		}
		finally {
			connection.stop();
		}
		assertThat(connection.getConnectedServerUri()).isNull();
	}

	@Test
	void stopDisconnectsAndClosesTheClient() {
		DefaultMqttConnection connection = connection(settings());
		connection.start();
		connection.stop();
		assertThat(connection.getState()).isEqualTo(MqttConnectionState.STOPPED);
		assertThat(this.adapter.connected).isFalse();
		assertThat(this.adapter.closed).containsExactlyElementsOf(this.adapter.created);
	}

	@Test
	void messageFromTheAdapterReachesTheListenerAndIsAcknowledgedWithTheClient() {
		DefaultMqttConnection connection = connection(settings());
		List<String> received = new CopyOnWriteArrayList<>();
		connection.subscribe(new MqttSubscription("sensors/#", 1, (message) -> {
			received.add(message.getTopic() + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "test"));
		connection.start();
		try {
			assertThat(this.adapter.subscribed).containsExactly("sensors/#@1");
			this.callbacks.get().dispatch("sensors/a", "21".getBytes(StandardCharsets.UTF_8), 1, false, false, 7,
					MqttMessageProperties.NONE);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.adapter.acknowledged).containsExactly("7@1"));
			assertThat(received).containsExactly("sensors/a=21");
		}
		finally {
			connection.stop();
		}
	}

	@Test
	void tooLargeMessageIsRefusedBeforeConversion() {
		MqttConnectionSettings settings = settings();
		settings.setMaxInboundPacketSize(100);
		DefaultMqttConnection connection = connection(settings);
		connection.subscribe(new MqttSubscription("big/#", 1, (message) -> {
		}, "big-listener"));
		assertThat(this.callbacks.get().acceptInbound("big/a", 10, 1)).isTrue();
		assertThat(this.callbacks.get().acceptInbound("big/a", 1000, 1)).isFalse();
		assertThat(connection.getTooLargeCount("big-listener")).isEqualTo(1);
	}

	@Test
	void connectionLostReportedByTheAdapterIsToldToListenersAndReconnects() {
		DefaultMqttConnection connection = connection(settings());
		List<String> events = new CopyOnWriteArrayList<>();
		connection.addConnectionListener(new MqttConnectionListener() {

			@Override
			public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
				events.add("connected reconnect=" + reconnect);
			}

			@Override
			public void connectionLost(String cause, int reasonCode) {
				events.add("lost " + cause + " " + reasonCode);
			}

		});
		connection.start();
		try {
			this.adapter.connected = false;
			this.callbacks.get().connectionLost("broker went away", 0x8B);
			await().atMost(Duration.ofSeconds(5)).until(() -> connection.getReconnectCount() == 1);
			assertThat(events).containsExactly("connected reconnect=false", "lost broker went away 139",
					"connected reconnect=true");
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
		}
		finally {
			connection.stop();
		}
	}

	@Test
	void adapterCredentialsAreTheSettings() {
		MqttConnectionSettings settings = settings();
		settings.setUsername("alice");
		settings.setPassword("s3cret".toCharArray());
		connection(settings);
		assertThat(this.callbacks.get().connectUsername()).isEqualTo("alice");
		assertThat(new String(this.callbacks.get().connectPassword(), StandardCharsets.UTF_8)).isEqualTo("s3cret");
	}

	@Test
	void enhancedAuthenticatorNeedsAnAdapterThatSupportsIt() {
		MqttConnectionSettings settings = settings();
		settings.setEnhancedAuthenticator(new MqttEnhancedAuthenticator() {

			@Override
			public String getMethod() {
				return "TEST";
			}

			@Override
			public byte[] initialData(boolean reauthentication) {
				return new byte[0];
			}

			@Override
			public byte[] challenge(byte[] serverData) {
				return new byte[0];
			}

		});
		assertThatIllegalStateException().isThrownBy(() -> connection(settings))
			.withMessageContaining("FakeClientAdapter")
			.withMessageContaining("cannot send AUTH packets");
	}

	@Test
	void toStringNamesTheAdapterWithoutSecrets() {
		MqttConnectionSettings settings = settings();
		settings.setPassword("TopSecret-42".toCharArray());
		String text = connection(settings).toString();
		assertThat(text).contains("FakeClientAdapter").contains("fake").doesNotContain("TopSecret-42");
	}

}
