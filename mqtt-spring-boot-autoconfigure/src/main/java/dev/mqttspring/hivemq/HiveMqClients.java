package dev.mqttspring.hivemq;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import io.reactivex.disposables.Disposable;

/**
 * One HiveMQ client per configured server URI, in failover order. Each client object lives
 * as long as the connection is started, so the session state HiveMQ keeps in it (incoming
 * QoS 2 packet ids, unacknowledged outgoing messages) survives reconnects to its URI.
 *
 * @param <T> the HiveMQ client type
 */
final class HiveMqClients<T extends MqttClient> {

	private final List<Entry<T>> entries;

	private volatile int active;

	HiveMqClients(List<Entry<T>> entries) {
		this.entries = List.copyOf(entries);
	}

	List<Entry<T>> entries() {
		return this.entries;
	}

	Entry<T> active() {
		return this.entries.get(this.active);
	}

	void activate(Entry<T> entry) {
		this.active = this.entries.indexOf(entry);
	}

	boolean isConnected() {
		return active().client().getState() == MqttClientState.CONNECTED;
	}

	boolean isConnecting() {
		for (Entry<T> entry : this.entries) {
			MqttClientState state = entry.client().getState();
			if (state == MqttClientState.CONNECTING || state == MqttClientState.CONNECTING_RECONNECT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A client for one server URI; {@code established} is true while the client has a
	 * connection that got its CONNACK, so that the disconnected listener reports only the
	 * loss of an established connection and not a failed attempt.
	 *
	 * @param <T> the HiveMQ client type
	 * @param uri the configured server URI
	 * @param client the client
	 * @param established whether the client's connection is established
	 * @param listening whether the client's global publishes flow is open (HiveMQ ends it
	 * when the session ends)
	 * @param flow the subscription to the client's global publishes flow, disposed when
	 * the client is closed (the flow holds the client's Netty event loop)
	 */
	record Entry<T extends MqttClient>(String uri, T client, AtomicBoolean established, AtomicBoolean listening,
			AtomicReference<Disposable> flow) {
	}

}
