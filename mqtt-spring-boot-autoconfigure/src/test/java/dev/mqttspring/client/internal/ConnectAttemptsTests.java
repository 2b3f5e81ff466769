package dev.mqttspring.client.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.FakeClientAdapter;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConnectAttempts} over a {@link FakeClientAdapter}.
 */
class ConnectAttemptsTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final List<String> outcomes = new CopyOnWriteArrayList<>();

	private final List<String> replaced = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutDown() {
		this.scheduler.shutdownNow();
	}

	private ConnectAttempts attempts(FakeClientAdapter adapter, ClientHandle client) {
		return new ConnectAttempts(client, new ConnectCredentials(this.settings), this.settings,
				() -> this.replaced.add("replaced"),
				(uri, sessionPresent, limits) -> this.outcomes.add("connected " + uri + " " + sessionPresent),
				(failure) -> this.outcomes.add("failed " + failure.getMessage()), LogFactory.getLog(getClass()));
	}

	@Test
	void connectedAttemptReportsTheConfiguredUri() throws Exception {
		this.settings.setServerUris(List.of("ws://127.0.0.1:8000/mqtt"));
		FakeClientAdapter adapter = new FakeClientAdapter();
		adapter.serverUri = "ws://127.0.0.1:8000";
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "attempts");
		Object current = client.create();
		CompletableFuture<Void> result = attempts(adapter, client).attempt(current, this.scheduler, () -> true);
		assertThat(result).isCompleted();
		assertThat(this.outcomes).containsExactly("connected ws://127.0.0.1:8000/mqtt false");
	}

	@Test
	void failureIsDescribedAndReportedOnce() {
		FakeClientAdapter adapter = new FakeClientAdapter() {

			@Override
			public void connect(Object client, ConnectCallback callback) {
				callback.failed(new IllegalStateException("refused"));
				callback.failed(new IllegalStateException("again"));
				callback.connected("tcp://late:1", false, this.limits);
			}

		};
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "attempts");
		CompletableFuture<Void> result = attempts(adapter, client).attempt(new Object(), this.scheduler, () -> true);
		assertThat(result).isCompletedExceptionally();
		assertThat(this.outcomes).singleElement().asString().startsWith("failed ").contains("refused");
	}

	@Test
	void clientWithAStuckAttemptIsReplaced() throws Exception {
		FakeClientAdapter adapter = new FakeClientAdapter() {

			private boolean stuck = true;

			@Override
			public void connect(Object client, ConnectCallback callback) throws Exception {
				if (this.stuck) {
					this.stuck = false;
					throw new IllegalStateException("in progress");
				}
				super.connect(client, callback);
			}

			@Override
			public boolean isConnectInProgress(Throwable ex) {
				return "in progress".equals(ex.getMessage());
			}

		};
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "attempts");
		Object first = client.create();
		assertThat(attempts(adapter, client).attempt(first, this.scheduler, () -> true)).isCompleted();
		assertThat(adapter.closed).containsExactly(first);
		assertThat(adapter.created).hasSize(2);
		assertThat(client.current()).isSameAs(adapter.created.get(1));
		assertThat(this.replaced).containsExactly("replaced");
		assertThat(this.outcomes).hasSize(1);
	}

	@Test
	void attemptWithoutCredentialsDoesNotConnect() {
		this.settings.setCredentialsProvider(() -> (MqttCredentials) null);
		FakeClientAdapter adapter = new FakeClientAdapter();
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "attempts");
		assertThat(attempts(adapter, client).attempt(new Object(), this.scheduler, () -> true)).isCompletedExceptionally();
		assertThat(adapter.connected).isFalse();
		assertThat(this.outcomes).singleElement().asString().contains("returned no credentials");
	}

	@Test
	void failedFirstAttemptStopsAndThrowsWithFailFast() {
		this.settings.setFailFast(true);
		FakeClientAdapter adapter = new FakeClientAdapter();
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "attempts");
		ConnectAttempts attempts = attempts(adapter, client);
		MqttConnectException failure = new MqttConnectException("refused", 0x87, null);
		assertThatExceptionOfType(MqttConnectException.class)
			.isThrownBy(() -> attempts.awaitFirst(CompletableFuture.failedFuture(failure), () -> this.replaced.add("stopped")))
			.isSameAs(failure);
		assertThat(this.replaced).containsExactly("stopped");
		this.settings.setFailFast(false);
		attempts.awaitFirst(CompletableFuture.failedFuture(failure), () -> this.replaced.add("stopped again"));
		assertThat(this.replaced).containsExactly("stopped");
	}

}
