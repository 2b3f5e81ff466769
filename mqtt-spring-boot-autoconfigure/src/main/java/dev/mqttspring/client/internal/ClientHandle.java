package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.KeepAliveProbe;
import dev.mqttspring.client.MqttClientAdapter;
import dev.mqttspring.client.MqttClientAdapter.CompletionCallback;
import dev.mqttspring.client.MqttClientAdapter.SubscribeCallback;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionOptions;

/**
 * A connection's current client and the {@link MqttClientAdapter} that created it: the
 * calls that need a client do nothing without one (before start, after stop), and the
 * ones that must not throw log instead. The connection creates, replaces and takes the
 * client under its lock; reading takes no lock.
 */
public final class ClientHandle implements SubscribeCalls.Client {

	private final MqttClientAdapter<Object> adapter;

	private final Log logger;

	private final String clientId;

	private volatile @Nullable Object client;

	@SuppressWarnings("unchecked")
	public ClientHandle(MqttClientAdapter<?> adapter, Log logger, String clientId) {
		this.adapter = (MqttClientAdapter<Object>) adapter;
		this.logger = logger;
		this.clientId = clientId;
	}

	public MqttClientAdapter<Object> adapter() {
		return this.adapter;
	}

	/**
	 * Return the current client.
	 * @return the client, or {@code null} before start and after stop
	 */
	public @Nullable Object current() {
		return this.client;
	}

	/**
	 * Create a client; it becomes the current one.
	 */
	public Object create() throws Exception {
		Object created = this.adapter.createClient();
		this.client = created;
		return created;
	}

	/**
	 * Take the current client away; the caller closes it.
	 * @return the client, or {@code null}
	 */
	public @Nullable Object take() {
		Object current = this.client;
		this.client = null;
		return current;
	}

	/**
	 * Return whether the current client says that it is connected.
	 */
	public boolean isConnected() {
		Object current = this.client;
		return current != null && this.adapter.isConnected(current);
	}

	/**
	 * Disconnect a client gracefully if it is connected, waiting up to the timeout; never
	 * throws.
	 * @param why added to the log message when it fails
	 */
	public void disconnect(Object client, Duration timeout, String why) {
		try {
			if (this.adapter.isConnected(client)) {
				this.adapter.disconnect(client, timeout);
			}
		}
		catch (Exception ex) {
			this.logger.debug("MQTT disconnect of '" + this.clientId + "'" + why + " did not complete cleanly: "
					+ ex.getMessage());
		}
	}

	public void close(Object client) {
		this.adapter.close(client);
	}

	public void abort(Object client) {
		this.adapter.abort(client);
	}

	/**
	 * Acknowledge an incoming message with the current client; never throws.
	 */
	public void acknowledge(int messageId, int qos) {
		Object current = this.client;
		if (current == null) {
			return;
		}
		try {
			this.adapter.acknowledge(current, messageId, qos);
		}
		catch (Exception ex) {
			this.logger.debug("Could not acknowledge message " + messageId + " (connection lost?); the broker redelivers it"
					+ " if the session is kept: " + ex.getMessage());
		}
	}

	/**
	 * Publish with the current client.
	 * @return {@code false} without a client
	 */
	public boolean publish(MqttOutboundMessage message, OutboundFlow.Completion completion) throws Exception {
		Object current = this.client;
		if (current == null) {
			return false;
		}
		this.adapter.publish(current, message, new CompletionCallback() {

			@Override
			public void completed(int reasonCode) {
				completion.completed(reasonCode);
			}

			@Override
			public void failed(Throwable ex) {
				completion.failed(ex);
			}

		});
		return true;
	}

	/**
	 * Return the outbound flow's view of a connection over this client.
	 * @param running whether the connection runs
	 * @param connected whether it is connected
	 * @param disconnectedBecause why it is not connected
	 * @return the link
	 */
	public OutboundFlow.Link outboundLink(BooleanSupplier running, BooleanSupplier connected,
			Supplier<String> disconnectedBecause) {
		return new OutboundFlow.Link() {

			@Override
			public boolean isRunning() {
				return running.getAsBoolean();
			}

			@Override
			public boolean isConnected() {
				return connected.getAsBoolean();
			}

			@Override
			public String disconnectedBecause() {
				return disconnectedBecause.get();
			}

			@Override
			public boolean send(MqttOutboundMessage message, OutboundFlow.Completion completion) throws Exception {
				return publish(message, completion);
			}

			@Override
			public int reasonCodeOf(Throwable ex) {
				return ClientHandle.this.adapter.reasonCodeOf(ex);
			}

			@Override
			public String describe(Throwable ex) {
				return ClientHandle.this.adapter.describe(ex);
			}

			@Override
			public boolean isNotConnected(Throwable ex) {
				return ClientHandle.this.adapter.isNotConnected(ex);
			}

			@Override
			public boolean resendsAfterReconnect(Throwable ex) {
				return ClientHandle.this.adapter.resendsAfterReconnect(ex);
			}

		};
	}

	/**
	 * Return the keep-alive probe of the current client's connection.
	 */
	public @Nullable KeepAliveProbe keepAliveProbe() {
		Object current = this.client;
		return (current != null) ? this.adapter.keepAliveProbe(current) : null;
	}

	@Override
	public boolean hasClient() {
		return this.client != null;
	}

	@Override
	public void subscribe(String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
			SubscribeCallback callback) throws Exception {
		Object current = this.client;
		if (current != null) {
			this.adapter.subscribe(current, filter, qos, subscriptionId, options, callback);
		}
	}

	@Override
	public boolean unsubscribe(String filter, CompletionCallback callback) throws Exception {
		Object current = this.client;
		if (current == null) {
			return false;
		}
		this.adapter.unsubscribe(current, filter, callback);
		return true;
	}

	@Override
	public int reasonCodeOf(Throwable ex) {
		return this.adapter.reasonCodeOf(ex);
	}

	@Override
	public String describe(Throwable ex) {
		return this.adapter.describe(ex);
	}

}
