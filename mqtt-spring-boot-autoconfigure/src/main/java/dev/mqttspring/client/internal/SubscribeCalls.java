package dev.mqttspring.client.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;

import dev.mqttspring.client.MqttClientAdapter.CompletionCallback;
import dev.mqttspring.client.MqttClientAdapter.SubscribeCallback;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;

/**
 * The SUBSCRIBE and UNSUBSCRIBE calls of a connection: adds and removes subscriptions in
 * the {@link SubscriptionRegistry}, sends them while connected (capped at mqtt.max-qos,
 * refusing a shared filter the broker does not support without sending it), records what
 * the broker granted or refused, logs it and tells the connection's listeners. The
 * registry is changed under the connection's lock; the client is called outside it.
 */
public final class SubscribeCalls {

	private final SubscriptionRegistry subscriptions;

	private final ReentrantLock lock;

	private final ConnectionStatus status;

	private final MqttConnectionSettings settings;

	private final Client client;

	private final Runnable subscriptionAdded;

	private final Log logger;

	/**
	 * Create the calls.
	 * @param subscriptions the registry
	 * @param lock the connection's lock
	 * @param status the connection's state and listeners
	 * @param settings the settings
	 * @param client the client library's calls
	 * @param subscriptionAdded run under the lock after each subscription is added
	 * @param logger the connection's logger
	 */
	public SubscribeCalls(SubscriptionRegistry subscriptions, ReentrantLock lock, ConnectionStatus status,
			MqttConnectionSettings settings, Client client, Runnable subscriptionAdded, Log logger) {
		this.subscriptions = subscriptions;
		this.lock = lock;
		this.status = status;
		this.settings = settings;
		this.client = client;
		this.subscriptionAdded = subscriptionAdded;
		this.logger = logger;
	}

	public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
		SubscriptionRegistry.Entry entry;
		boolean send;
		CompletableFuture<MqttSubscriptionResult> future = new CompletableFuture<>();
		this.lock.lock();
		try {
			entry = this.subscriptions.add(subscription, this.settings.getClientId());
			this.subscriptionAdded.run();
			MqttSubscriptionResult known = entry.resultOrWait(future);
			if (known != null) {
				future.complete(known);
				return future;
			}
			send = this.status.isConnected();
		}
		finally {
			this.lock.unlock();
		}
		if (send) {
			send(entry);
		}
		return future;
	}

	/**
	 * Send the SUBSCRIBE of a registered filter; never throws.
	 */
	public void send(SubscriptionRegistry.Entry entry) {
		int requested = entry.requestedQos();
		if (!this.client.hasClient() || requested < 0) {
			return;
		}
		// mqtt.max-qos caps subscriptions too (AWS IoT, Azure IoT Hub refuse QoS 2)
		int qos = Math.min(requested, this.settings.getMaxQos());
		MqttBrokerLimits limits = this.status.brokerLimits();
		int id = limits.subscriptionIdentifiersAvailable() ? entry.id() : 0;
		if (MqttTopics.isShared(entry.filter()) && !limits.sharedSubscriptionAvailable()) {
			// a SUBSCRIBE to a shared filter would be a protocol error on this broker
			this.logger.error("Listener(s) " + entry.owners() + " subscribe to the shared subscription '" + entry.filter()
					+ "', but the broker announced in its CONNACK that it does not support shared subscriptions "
					+ "(Shared Subscription Available = 0); the subscription is refused without sending it. Remove 'group' "
					+ "(each instance then receives every message) or use a broker with shared subscriptions");
			subscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, 0x9E));
			return;
		}
		try {
			this.client.subscribe(entry.filter(), qos, id, entry.options(), new SubscribeCallback() {

				@Override
				public void subscribed(int reasonCode) {
					SubscribeCalls.this.subscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, reasonCode));
				}

				@Override
				public void failed(Throwable ex) {
					int code = SubscribeCalls.this.client.reasonCodeOf(ex);
					if (code >= 0x80) {
						SubscribeCalls.this.subscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, code));
					}
					else {
						SubscribeCalls.this.logger.warn("Subscribing to '" + entry.filter() + "' failed: "
								+ SubscribeCalls.this.client.describe(ex) + "; it is retried after the next reconnect");
					}
				}

			});
		}
		catch (IllegalArgumentException ex) {
			// the client refuses locally, e.g. a broker without shared or wildcard subscriptions
			int code = MqttTopics.isShared(entry.filter()) ? 0x9E : 0xA2;
			this.logger.debug("Client refused subscription locally: " + ex.getMessage());
			subscribed(entry, new MqttSubscriptionResult(entry.filter(), qos, code));
		}
		catch (Exception ex) {
			this.logger.warn("Subscribing to '" + entry.filter() + "' failed: " + this.client.describe(ex)
					+ "; it is retried after the next reconnect");
		}
	}

	private void subscribed(SubscriptionRegistry.Entry entry, MqttSubscriptionResult result) {
		List<CompletableFuture<MqttSubscriptionResult>> waiting;
		this.lock.lock();
		try {
			waiting = this.subscriptions.subscribed(entry, result);
		}
		finally {
			this.lock.unlock();
		}
		if (!result.isGranted()) {
			this.logger.error("The broker refused the subscription to '" + entry.filter() + "' (listeners "
					+ entry.owners() + "): " + result.reason());
		}
		else if (result.isDowngraded()) {
			this.logger.warn("The broker granted the subscription to '" + entry.filter() + "' with QoS " + result.grantedQos()
					+ " instead of the requested QoS " + result.requestedQos());
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("Subscribed to '" + entry.filter() + "' with QoS " + result.grantedQos());
		}
		this.status.notifySubscribed(result);
		waiting.forEach((future) -> future.complete(result));
	}

	public CompletableFuture<Void> unsubscribe(MqttSubscription subscription) {
		SubscriptionRegistry.Entry entry;
		boolean send;
		this.lock.lock();
		try {
			entry = this.subscriptions.remove(subscription);
			if (entry == null) {
				return CompletableFuture.completedFuture(null);
			}
			send = this.status.isConnected() && entry.isSubscribedInSession();
		}
		finally {
			this.lock.unlock();
		}
		CompletableFuture<Void> future = new CompletableFuture<>();
		if (!send) {
			future.complete(null);
			return future;
		}
		try {
			boolean sent = this.client.unsubscribe(entry.filter(), new CompletionCallback() {

				@Override
				public void completed(int reasonCode) {
					future.complete(null);
				}

				@Override
				public void failed(Throwable ex) {
					future.completeExceptionally(new MqttDeliveryException("Unsubscribing from '" + entry.filter()
							+ "' failed: " + SubscribeCalls.this.client.describe(ex),
							SubscribeCalls.this.client.reasonCodeOf(ex), ex));
				}

			});
			if (!sent) {
				future.complete(null);
			}
		}
		catch (Exception ex) {
			future.completeExceptionally(new MqttDeliveryException("Unsubscribing from '" + entry.filter() + "' failed: "
					+ this.client.describe(ex), MqttDeliveryException.NO_REASON_CODE, ex));
		}
		return future;
	}

	public CompletableFuture<Void> detach(MqttSubscription subscription) {
		this.lock.lock();
		try {
			if (this.subscriptions.detach(subscription) && this.logger.isDebugEnabled()) {
				this.logger.debug("Subscription to '" + subscription.getFilter() + "' (" + subscription.getOwner()
						+ ") detached; the broker keeps it in the session");
			}
		}
		finally {
			this.lock.unlock();
		}
		return CompletableFuture.completedFuture(null);
	}

	public List<SubscriptionState> states() {
		this.lock.lock();
		try {
			return this.subscriptions.states();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The client library's subscribe calls on the current client.
	 */
	public interface Client {

		boolean hasClient();

		/**
		 * Subscribe with the current client; does nothing without one.
		 */
		void subscribe(String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
				SubscribeCallback callback) throws Exception;

		/**
		 * Unsubscribe with the current client.
		 * @return {@code false} without a client
		 */
		boolean unsubscribe(String filter, CompletionCallback callback) throws Exception;

		int reasonCodeOf(Throwable ex);

		String describe(Throwable ex);

	}

}
