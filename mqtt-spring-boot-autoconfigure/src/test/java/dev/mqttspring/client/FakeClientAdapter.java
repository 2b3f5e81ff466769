package dev.mqttspring.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionOptions;

/**
 * A client library for tests without a broker: connects at once (to {@link #serverUri},
 * with {@link #limits}), grants every subscription with the requested QoS, completes
 * publishes and unsubscribes at once, and records acknowledgements. Subclasses change what
 * a test needs.
 */
public class FakeClientAdapter implements MqttClientAdapter<Object> {

	public volatile String serverUri = "tcp://127.0.0.1:1";

	public volatile MqttBrokerLimits limits = MqttBrokerLimits.UNRESTRICTED;

	public volatile boolean connected;

	public final List<String> acknowledged = new CopyOnWriteArrayList<>();

	public final List<String> subscribed = new CopyOnWriteArrayList<>();

	public final List<Object> created = new CopyOnWriteArrayList<>();

	public final List<Object> closed = new CopyOnWriteArrayList<>();

	@Override
	public Object createClient() {
		Object client = new Object();
		this.created.add(client);
		return client;
	}

	@Override
	public void connect(Object client, ConnectCallback callback) throws Exception {
		this.connected = true;
		callback.connected(this.serverUri, false, this.limits);
	}

	@Override
	public void publish(Object client, MqttOutboundMessage message, CompletionCallback callback) throws Exception {
		callback.completed(0);
	}

	@Override
	public void subscribe(Object client, String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
			SubscribeCallback callback) throws Exception {
		this.subscribed.add(filter + "@" + qos);
		callback.subscribed(qos);
	}

	@Override
	public void unsubscribe(Object client, String filter, CompletionCallback callback) throws Exception {
		callback.completed(0);
	}

	@Override
	public void acknowledge(Object client, int messageId, int qos) {
		this.acknowledged.add(messageId + "@" + qos);
	}

	@Override
	public void disconnect(Object client, Duration timeout) {
		this.connected = false;
	}

	@Override
	public void close(Object client) {
		this.closed.add(client);
	}

	@Override
	public void abort(Object client) {
		this.connected = false;
	}

	@Override
	public boolean isConnected(Object client) {
		return this.connected;
	}

	@Override
	public boolean isConnectInProgress(Throwable ex) {
		return false;
	}

	@Override
	public boolean isNotConnected(Throwable ex) {
		return false;
	}

	@Override
	public String describe(Throwable ex) {
		return String.valueOf(ex.getMessage());
	}

	@Override
	public int reasonCodeOf(Throwable ex) {
		return -1;
	}

}
