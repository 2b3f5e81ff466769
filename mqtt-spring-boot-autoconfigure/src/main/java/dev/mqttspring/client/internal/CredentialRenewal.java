package dev.mqttspring.client.internal;

import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The renewal of credentials that expire: once connected, the connection reconnects with
 * fresh ones mqtt.credentials-renewal-margin before they expire (at the latest halfway
 * through their remaining life, at least a second on); see
 * {@link ConnectCredentials#renewalDelayMillis(Instant, Instant)}.
 */
public final class CredentialRenewal {

	private final ConnectCredentials credentials;

	private @Nullable ScheduledFuture<?> task;

	public CredentialRenewal(ConnectCredentials credentials) {
		this.credentials = credentials;
	}

	/**
	 * Schedule the renewal of the credentials of the new connection, if they expire,
	 * replacing any renewal scheduled before.
	 * @param scheduler the connection's scheduler
	 * @param renew called with the expiry when it is time to renew
	 */
	public synchronized void schedule(ScheduledExecutorService scheduler, Consumer<Instant> renew) {
		cancel();
		Instant expiresAt = this.credentials.expiresAt();
		if (expiresAt == null) {
			return;
		}
		long delay = this.credentials.renewalDelayMillis(expiresAt, Instant.now());
		try {
			this.task = scheduler.schedule(() -> renew.accept(expiresAt), delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	/**
	 * Return whether a renewal is scheduled.
	 */
	public synchronized boolean isScheduled() {
		return this.task != null;
	}

	/**
	 * Forget the renewal that is running now.
	 */
	public synchronized void started() {
		this.task = null;
	}

	public synchronized void cancel() {
		ScheduledFuture<?> scheduled = this.task;
		this.task = null;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
	}

}
