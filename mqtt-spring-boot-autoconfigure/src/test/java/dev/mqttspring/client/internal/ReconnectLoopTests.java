package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.FakeClientAdapter;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttConnectionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReconnectLoop} over a {@link FakeClientAdapter}.
 */
class ReconnectLoopTests {

	private final Log logger = LogFactory.getLog(getClass());

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final ReentrantLock lock = new ReentrantLock();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final FakeClientAdapter adapter = new FakeClientAdapter();

	private final ClientHandle client = new ClientHandle(this.adapter, this.logger, "loop");

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger attempts = new AtomicInteger();

	private final List<String> told = new CopyOnWriteArrayList<>();

	private ConnectionStatus status;

	private ReconnectLoop loop;

	@BeforeEach
	void setUp() throws Exception {
		this.settings.setClientId("loop");
		this.settings.setReconnectMinDelay(Duration.ofMillis(20));
		this.settings.setReconnectMaxDelay(Duration.ofMillis(40));
		this.status = new ConnectionStatus(this.settings, this.logger);
		this.status.addListener(new MqttConnectionListener() {

			@Override
			public void connectionLost(String cause, int reasonCode) {
				ReconnectLoopTests.this.told.add(cause + " " + reasonCode);
			}

		});
		this.client.create();
		SubscriptionRegistry registry = new SubscriptionRegistry();
		this.loop = new ReconnectLoop(this.settings, this.lock, this.status, this.client,
				new KeepAliveWatchdog(this.logger, "loop", () -> true), new CredentialRenewal(new ConnectCredentials(this.settings)),
				new InboundDispatcher(registry, this.lock, this.logger), this.running::get, () -> this.scheduler,
				this.attempts::incrementAndGet, this.logger);
	}

	@AfterEach
	void shutDown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void failedAttemptIsReportedAndTheNextOneScheduled() {
		this.status.setState(MqttConnectionState.CONNECTING);
		this.loop.failed(new MqttConnectException("refused", 0x87, null), false);
		assertThat(this.status.state()).isEqualTo(MqttConnectionState.DISCONNECTED);
		assertThat(this.status.lastFailure()).isEqualTo("refused");
		assertThat(this.told).containsExactly("refused 135");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() == 1);
		assertThat(this.loop.connected()).isEqualTo(1);
	}

	@Test
	void lostConnectionIsReportedOnACallbackThreadAndReconnects() {
		this.status.connected("tcp://a:1883", false, MqttBrokerLimits.UNRESTRICTED);
		this.status.setState(MqttConnectionState.CONNECTED);
		this.loop.lost("broker went away", 0x8B);
		assertThat(this.status.state()).isEqualTo(MqttConnectionState.DISCONNECTED);
		assertThat(this.status.connectedUri()).isNull();
		assertThat(this.told).containsExactly("broker went away 139");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() == 1);
	}

	@Test
	void noAttemptWithoutAutomaticReconnectOrOnceStopped() throws Exception {
		this.settings.setAutomaticReconnect(false);
		this.loop.failed(new MqttConnectException("refused", 0x87, null), false);
		this.settings.setAutomaticReconnect(true);
		this.running.set(false);
		this.loop.lost("gone", -1);
		assertThat(this.told).containsExactly("refused 135");
		this.scheduler.schedule(() -> {
		}, 200, java.util.concurrent.TimeUnit.MILLISECONDS).get();
		assertThat(this.attempts).hasValue(0);
	}

	@Test
	void attemptWaitsWhileTheClientStillSaysItIsConnected() throws Exception {
		this.adapter.connected = true;
		this.loop.failed(new MqttConnectException("refused", 0x87, null), false);
		this.scheduler.schedule(() -> {
		}, 200, java.util.concurrent.TimeUnit.MILLISECONDS).get();
		assertThat(this.attempts).hasValue(0);
		this.adapter.connected = false;
		await().atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() == 1);
	}

	@Test
	void failedClientThreadAbortsTheClientAndReportsTheLoss() {
		this.adapter.connected = true;
		this.status.setState(MqttConnectionState.CONNECTED);
		this.loop.clientThreadFailed("MQTT Call: loop", new OutOfMemoryError("Java heap space"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.told.isEmpty());
		assertThat(this.adapter.connected).as("aborted").isFalse();
		assertThat(this.told).singleElement().asString()
			.contains("the client library's thread 'MQTT Call: loop' failed with java.lang.OutOfMemoryError");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() == 1);
	}

}
