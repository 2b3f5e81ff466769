package dev.mqttspring.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;

import dev.mqttspring.client.MqttClientAdapter;
import dev.mqttspring.client.MqttClientAdapter.ConnectCallback;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;

/**
 * One connect attempt after another: asks for the credentials of the attempt, connects the
 * current client (replacing it when an earlier attempt is stuck in it), watches for the
 * CONNACK with a {@link ConnectWatchdog} and reports the outcome exactly once, on a
 * {@link CallbackThread}, with the configured URI or a described failure.
 */
public final class ConnectAttempts {

	private final ClientHandle client;

	private final ConnectCredentials credentials;

	private final ConnectFailures failures;

	private final MqttConnectionSettings settings;

	private final Runnable clientReplaced;

	private final Outcome outcome;

	private final Log logger;

	/**
	 * Create the attempts.
	 * @param client the current client
	 * @param credentials the credentials, asked at each attempt
	 * @param settings the settings
	 * @param clientReplaced run when a stuck client was closed, before its replacement is
	 * created
	 * @param outcome told the outcome of each attempt
	 * @param logger the connection's logger
	 */
	public ConnectAttempts(ClientHandle client, ConnectCredentials credentials, MqttConnectionSettings settings,
			Runnable clientReplaced, Outcome outcome, Log logger) {
		this.client = client;
		this.credentials = credentials;
		this.failures = new ConnectFailures(settings);
		this.settings = settings;
		this.clientReplaced = clientReplaced;
		this.outcome = outcome;
		this.logger = logger;
	}

	/**
	 * Return the watchdog of an attempt: how long it may take.
	 */
	public ConnectWatchdog watchdog() {
		return new ConnectWatchdog(this.settings.getConnectionTimeout(), this.settings.getServerUris().size());
	}

	/**
	 * Start an attempt with the given (current) client.
	 * @param current the client
	 * @param scheduler runs the watchdog
	 * @param running whether the connection still runs
	 * @return completes when the CONNACK came, exceptionally with the failure otherwise
	 */
	public CompletableFuture<Void> attempt(Object current, ScheduledExecutorService scheduler, BooleanSupplier running) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		AtomicBoolean settled = new AtomicBoolean();
		MqttClientAdapter<Object> adapter = this.client.adapter();
		ConnectCallback callback = new ConnectCallback() {

			@Override
			public void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits) {
				if (settled.compareAndSet(false, true)) {
					String uri = ConnectAttempts.this.failures.configuredUri(serverUri);
					CallbackThread.run(() -> ConnectAttempts.this.outcome.connected(uri, sessionPresent, limits));
					result.complete(null);
				}
			}

			@Override
			public void failed(Throwable ex) {
				if (settled.compareAndSet(false, true)) {
					MqttConnectException failure = ConnectAttempts.this.failures.failure(ex, adapter.reasonCodeOf(ex),
							adapter.describe(ex));
					CallbackThread.run(() -> ConnectAttempts.this.outcome.failed(failure));
					result.completeExceptionally(failure);
				}
			}

		};
		// ask the credentials provider (if any) for the credentials of this attempt
		MqttConnectException noCredentials = this.credentials.fetch();
		if (noCredentials != null) {
			callback.failed(noCredentials);
			return result;
		}
		try {
			Object attempted = current;
			try {
				adapter.connect(attempted, callback);
			}
			catch (Exception ex) {
				if (!adapter.isConnectInProgress(ex)) {
					throw ex;
				}
				// an earlier attempt that never got its CONNACK is stuck in the client: start afresh
				attempted = replace(attempted);
				adapter.connect(attempted, callback);
			}
			Object watched = attempted;
			watchdog().watch(scheduler, settled, running, (timeout) -> {
				adapter.abort(watched);
				callback.failed(timeout);
			});
		}
		catch (Exception ex) {
			callback.failed(ex);
		}
		return result;
	}

	private Object replace(Object stuck) throws Exception {
		this.logger.warn("Replacing the MQTT client of '" + this.settings.getClientId()
				+ "' after a connect attempt that never completed");
		this.client.close(stuck);
		this.clientReplaced.run();
		return this.client.create();
	}

	/**
	 * What an attempt reports, on a {@link CallbackThread}.
	 */
	public interface Outcome {

		/**
		 * The broker accepted the connection.
		 * @param serverUri the configured URI of the server
		 * @param sessionPresent whether the broker resumed a session
		 * @param limits the broker's limits
		 */
		void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits);

		void failed(MqttConnectException failure);

	}

}
