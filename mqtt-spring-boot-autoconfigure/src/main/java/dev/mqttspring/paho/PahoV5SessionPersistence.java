package dev.mqttspring.paho;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.jspecify.annotations.Nullable;

/**
 * The persistence of the Paho MQTT 5 backend. It fixes two things Paho 1.2.5 gets wrong
 * for incoming QoS 2 messages across connection losses:
 * <ul>
 * <li>Paho's {@code MemoryPersistence} empties itself whenever the connection closes, so
 * the session state it holds does not outlive a connection loss. This store keeps it
 * until the client is discarded or a clean start clears it (as a file store does).</li>
 * <li>Paho hands a QoS 2 PUBLISH that the broker sends again (its PUBREC was lost with
 * the connection; MQTT 5 brokers need not set DUP) to the application a second time. Paho
 * stores each incoming QoS 2 PUBLISH under {@code r-<packet id>} and removes the key when
 * the PUBREL arrives, so this store sees each packet arrive and each flow end. The
 * connection asks {@link #isRedelivery} for each QoS 2 message its callback gets: a
 * packet id already handed to the application in the same flow is a redelivery. Only
 * what reached the callback counts.</li>
 * <li>Paho answers a QoS 2 PUBLISH with PUBREC as soon as it queued it for its callback,
 * and empties that queue when the connection is lost: the broker counts such a message
 * as received and never sends it again. This store hands the messages that were stored
 * but never reached the callback to a rescue handler when the client connects again,
 * before the new connection delivers anything.</li>
 * </ul>
 */
final class PahoV5SessionPersistence implements MqttClientPersistence {

	private static final String RECEIVED_PREFIX = "r-";

	private final @Nullable MqttClientPersistence delegate;

	private final Hashtable<String, MqttPersistable> memory = new Hashtable<>();

	private final Object monitor = new Object();

	/**
	 * The packets received and not yet handed to the callback, with the flow each belongs
	 * to, by the packet's payload array: Paho hands the callback a new MqttMessage per
	 * delivery, but with the packet's payload array.
	 */
	private final Map<byte[], Received> pending = new IdentityHashMap<>();

	private final Consumer<MqttPublish> rescue;

	/**
	 * Per packet id, the number of its current flow: increased when the flow ends (PUBREL).
	 */
	private int @Nullable [] flow;

	/**
	 * Per packet id, the number of the flow whose message was handed to the application,
	 * or -1.
	 */
	private int @Nullable [] delivered;

	/**
	 * Create a store in memory ({@code delegate == null}) or over another store.
	 * @param delegate the store to write through to, or {@code null} for memory only
	 * @param rescue the handler of QoS 2 messages Paho acknowledged but never delivered
	 */
	PahoV5SessionPersistence(@Nullable MqttClientPersistence delegate, Consumer<MqttPublish> rescue) {
		this.delegate = delegate;
		this.rescue = rescue;
	}

	/**
	 * Return whether a QoS 2 message that reached the callback was already handed to the
	 * application in the same flow; if not, it counts as handed over from now on.
	 * @param message the message Paho hands to the callback
	 * @return whether to drop it as a redelivery
	 */
	boolean isRedelivery(MqttMessage message) {
		synchronized (this.monitor) {
			Received received = this.pending.remove(message.getPayload());
			if (received == null || this.delivered == null) {
				return false;
			}
			int id = message.getId();
			if (this.delivered[id] == received.flow()) {
				return true;
			}
			this.delivered[id] = received.flow();
			return false;
		}
	}

	private void received(MqttPublish publish) {
		synchronized (this.monitor) {
			if (this.flow == null || this.delivered == null) {
				this.flow = new int[65536];
				this.delivered = new int[65536];
				Arrays.fill(this.delivered, -1);
			}
			this.pending.put(publish.getPayload(), new Received(publish, this.flow[publish.getMessageId()]));
		}
	}

	private void released(String key) {
		synchronized (this.monitor) {
			if (this.flow != null) {
				this.flow[Integer.parseInt(key, RECEIVED_PREFIX.length(), key.length(), 10)]++;
			}
		}
	}

	@Override
	public void open(String clientId) throws MqttPersistenceException {
		List<MqttPublish> dropped = new ArrayList<>();
		synchronized (this.monitor) {
			// (re)connecting: what Paho had queued for its callback is gone
			for (Received received : this.pending.values()) {
				if (this.delivered != null && this.delivered[received.publish().getMessageId()] != received.flow()) {
					this.delivered[received.publish().getMessageId()] = received.flow();
					dropped.add(received.publish());
				}
			}
			this.pending.clear();
		}
		dropped.forEach(this.rescue);
		if (this.delegate != null) {
			this.delegate.open(clientId);
		}
	}

	@Override
	public void close() throws MqttPersistenceException {
		if (this.delegate != null) {
			this.delegate.close();
		}
		// memory: the session outlives the connection
	}

	@Override
	public void put(String key, MqttPersistable persistable) throws MqttPersistenceException {
		if (key.startsWith(RECEIVED_PREFIX) && persistable instanceof MqttPublish publish) {
			received(publish);
		}
		if (this.delegate != null) {
			this.delegate.put(key, persistable);
		}
		else {
			this.memory.put(key, persistable);
		}
	}

	@Override
	public MqttPersistable get(String key) throws MqttPersistenceException {
		return (this.delegate != null) ? this.delegate.get(key) : this.memory.get(key);
	}

	@Override
	public void remove(String key) throws MqttPersistenceException {
		if (key.startsWith(RECEIVED_PREFIX)) {
			released(key);
		}
		if (this.delegate != null) {
			this.delegate.remove(key);
		}
		else {
			this.memory.remove(key);
		}
	}

	@Override
	public Enumeration<String> keys() throws MqttPersistenceException {
		return (this.delegate != null) ? this.delegate.keys() : this.memory.keys();
	}

	@Override
	public void clear() throws MqttPersistenceException {
		synchronized (this.monitor) {
			this.pending.clear();
			this.flow = null;
			this.delivered = null;
		}
		if (this.delegate != null) {
			this.delegate.clear();
		}
		else {
			this.memory.clear();
		}
	}

	@Override
	public boolean containsKey(String key) throws MqttPersistenceException {
		return (this.delegate != null) ? this.delegate.containsKey(key) : this.memory.containsKey(key);
	}

	private record Received(MqttPublish publish, int flow) {
	}

}
