package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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

	private final Consumer<MqttConnectException> failed;

	private final Log logger;

	/**
	 * Create the attempts.
	 * @param client the current client
	 * @param credentials the credentials, asked at each attempt
	 * @param settings the settings
	 * @param clientReplaced run when a stuck client was closed, before its replacement is
	 * created
	 * @param outcome told of each attempt that connected
	 * @param failed told of each attempt that failed, on a {@link CallbackThread}
	 * @param logger the connection's logger
	 */
	public ConnectAttempts(ClientHandle client, ConnectCredentials credentials, MqttConnectionSettings settings,
			Runnable clientReplaced, Outcome outcome, Consumer<MqttConnectException> failed, Log logger) {
		this.client = client;
		this.credentials = credentials;
		this.failures = new ConnectFailures(settings);
		this.settings = settings;
		this.clientReplaced = clientReplaced;
		this.outcome = outcome;
		this.failed = failed;
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
					CallbackThread.run(() -> ConnectAttempts.this.failed.accept(failure));
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

	/**
	 * Wait for the first attempt of a start, up to its watchdog's timeout: with
	 * mqtt.fail-fast, stop and throw its failure; otherwise log it, and the application
	 * starts while the reconnect loop goes on.
	 * @param first the first attempt
	 * @param stop stops the connection
	 */
	public void awaitFirst(CompletableFuture<Void> first, Runnable stop) {
		Duration wait = watchdog().timeout();
		String clientId = this.settings.getClientId();
		try {
			first.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (this.settings.isFailFast()) {
				stop.run();
				throw (cause instanceof MqttConnectException mce) ? mce
						: new MqttConnectException(String.valueOf(cause), -1, cause);
			}
			this.logger.warn("MQTT client '" + clientId + "' could not connect at start-up: " + cause.getMessage()
					+ (this.settings.isAutomaticReconnect() ? "; the application starts and keeps trying in the background"
							+ " (set mqtt.fail-fast=true to fail start-up instead)" : ""));
		}
		catch (TimeoutException ex) {
			if (this.settings.isFailFast()) {
				stop.run();
				throw new MqttConnectException("Could not connect to " + this.settings.getServerUris() + " within "
						+ wait.toSeconds() + "s (mqtt.connection-timeout)", -1, ex);
			}
			this.logger.warn("MQTT client '" + clientId + "' is still connecting to " + this.settings.getServerUris()
					+ " after " + wait.toSeconds() + "s; the application starts and keeps trying in the background");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Object replace(Object stuck) throws Exception {
		this.logger.warn("Replacing the MQTT client of '" + this.settings.getClientId()
				+ "' after a connect attempt that never completed");
		this.client.close(stuck);
		this.clientReplaced.run();
		return this.client.create();
	}

	/**
	 * What an attempt that connected reports, on a {@link CallbackThread}.
	 */
	@FunctionalInterface
	public interface Outcome {

		/**
		 * The broker accepted the connection.
		 * @param serverUri the configured URI of the server
		 * @param sessionPresent whether the broker resumed a session
		 * @param limits the broker's limits
		 */
		void connected(String serverUri, boolean sessionPresent, MqttBrokerLimits limits);

	}

}
