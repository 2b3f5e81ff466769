package dev.mqttspring.paho;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The persistence of the Paho MQTT 5 backend. It fixes what Paho 1.2.5 gets wrong for
 * incoming QoS 2 messages:
 * <ul>
 * <li>Paho's {@code MemoryPersistence} empties itself whenever the connection closes, so
 * the session state it holds does not outlive a connection loss. This store keeps it
 * until the client is discarded or a clean start clears it (as a file store does).</li>
 * <li>Paho hands a QoS 2 PUBLISH that the broker sends again (its PUBREC was lost with
 * the connection; MQTT 5 brokers need not set DUP) to the application a second time. Paho
 * stores each incoming QoS 2 PUBLISH under {@code r-<packet id>} and removes the key when
 * the flow ends (PUBREL), so this store sees each packet arrive and each flow end. The
 * connection asks {@link #accept} for each QoS 2 message its callback gets: a packet id
 * already handed to the application in the same flow is a redelivery. Only what reached
 * the callback counts.</li>
 * <li>Paho answers a QoS 2 PUBLISH with PUBREC as soon as it queued it for its callback,
 * and empties that queue when the connection is lost: the broker counts such a message
 * as received and never sends it again. This store hands the messages that were stored
 * but never reached the callback to a rescue handler when the client connects again,
 * before the new connection delivers anything.</li>
 * <li>Because of that PUBREC on receipt, the broker never sends a QoS 2 message again
 * that the application received but did not finish processing when it died. Over a file
 * store ({@code mqtt.persistence.type=file}) this store keeps every such message on disk
 * until the application acknowledged it: while its flow is open, Paho's own
 * {@code r-<packet id>} file holds it; when the flow ends before the listeners are done,
 * the message moves to a file of its own in the {@code unprocessed} directory inside Paho's
 * directory of the client. When
 * the application starts again with a persistent session, the first {@link #open} hands
 * every message the store still holds to the rescue handler, which delivers it (at least
 * once: a crash after the listener returned but before its file was removed delivers it
 * again).</li>
 * </ul>
 */
final class PahoV5SessionPersistence implements MqttClientPersistence {

	private static final Log logger = LogFactory.getLog(PahoV5SessionPersistence.class);

	private static final String RECEIVED_PREFIX = "r-";

	private static final String UNPROCESSED_DIRECTORY = "unprocessed";

	private static final String FILE_EXTENSION = ".msg";

	private static final Runnable NOTHING = () -> {
	};

	private final @Nullable MqttClientPersistence delegate;

	private final @Nullable Path directory;

	private final boolean resume;

	private final Hashtable<String, MqttPersistable> memory = new Hashtable<>();

	private final Object monitor = new Object();

	/**
	 * The packets received and not yet handed to the callback, with the flow each belongs
	 * to, by the packet's payload array: Paho hands the callback a new MqttMessage per
	 * delivery, but with the packet's payload array.
	 */
	private final Map<byte[], Received> pending = new IdentityHashMap<>();

	private final BiConsumer<MqttPublish, Runnable> rescue;

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
	 * Per packet id, the message of the open flow (over a file store: the one kept until it
	 * is processed).
	 */
	private Received @Nullable [] current;

	private volatile @Nullable Path unprocessed;

	private long sequence;

	private boolean opened;

	/**
	 * Create a store in memory ({@code delegate == null}) or over a file store.
	 * @param delegate the store to write through to, or {@code null} for memory only
	 * @param directory the directory of the file store (the parent of the per-client
	 * directories), or {@code null} for memory only
	 * @param resume whether the first {@link #open} delivers the messages a file store
	 * kept from an earlier run (a persistent session)
	 * @param rescue the handler of QoS 2 messages Paho acknowledged but the application
	 * did not get or did not finish: the message and what to run once it is processed
	 */
	PahoV5SessionPersistence(@Nullable MqttClientPersistence delegate, @Nullable Path directory, boolean resume,
			BiConsumer<MqttPublish, Runnable> rescue) {
		this.delegate = delegate;
		this.directory = (delegate != null) ? directory : null;
		this.resume = resume;
		this.rescue = rescue;
	}

	/**
	 * Accept a QoS 2 message that reached the callback: return {@code null} if it was
	 * already handed to the application in the same flow (drop it), else what to run once
	 * the application processed it. From now on it counts as handed over.
	 * @param message the message Paho hands to the callback
	 * @return {@code null} for a redelivery, else the action to run when it is processed
	 */
	@Nullable Runnable accept(MqttMessage message) {
		synchronized (this.monitor) {
			Received received = this.pending.remove(message.getPayload());
			if (received == null || this.delivered == null) {
				return NOTHING;
			}
			int id = message.getId();
			if (this.delivered[id] == received.flow) {
				return null;
			}
			this.delivered[id] = received.flow;
			return processing(received);
		}
	}

	private Runnable processing(Received received) {
		return (this.unprocessed != null) ? () -> processed(received) : NOTHING;
	}

	private void received(MqttPublish publish) {
		synchronized (this.monitor) {
			track();
			int id = publish.getMessageId();
			Received open = this.current[id];
			if (open == null || open.flow != this.flow[id]) {
				open = new Received(publish, this.flow[id]);
				this.current[id] = open;
			}
			// a resend in the same flow stands for the message first received
			this.pending.put(publish.getPayload(), open);
		}
	}

	/**
	 * Start tracking flows (on the first QoS 2 message; caller holds the monitor).
	 */
	private void track() {
		if (this.flow == null || this.delivered == null || this.current == null) {
			this.flow = new int[65536];
			this.delivered = new int[65536];
			this.current = new Received[65536];
			Arrays.fill(this.delivered, -1);
		}
	}

	private void released(String key) {
		Received open = null;
		synchronized (this.monitor) {
			if (this.flow != null && this.current != null) {
				int id = Integer.parseInt(key, RECEIVED_PREFIX.length(), key.length(), 10);
				this.flow[id]++;
				open = this.current[id];
				this.current[id] = null;
			}
		}
		if (open != null) {
			keepUntilProcessed(open);
		}
	}

	/**
	 * The flow of a message ended (Paho removes its {@code r-} file): keep it in a file of
	 * its own until the application processed it.
	 */
	private void keepUntilProcessed(Received received) {
		Path directory = this.unprocessed;
		if (directory == null) {
			return;
		}
		synchronized (received) {
			if (received.processed) {
				return;
			}
			long number;
			synchronized (this.monitor) {
				number = ++this.sequence;
			}
			Path file = directory.resolve(number + FILE_EXTENSION);
			try {
				write(file, received.publish);
				received.file = file;
			}
			catch (IOException | MqttPersistenceException ex) {
				logger.warn("Could not keep QoS 2 message " + received.publish.getMessageId() + " on '"
						+ received.publish.getTopicName() + "' in " + file + " until it is processed; if the application "
						+ "stops before its listeners finish, it is lost: " + ex);
			}
		}
	}

	private void processed(Received received) {
		synchronized (received) {
			received.processed = true;
			Path file = received.file;
			received.file = null;
			if (file != null) {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					logger.warn("Could not remove " + file + " of a processed QoS 2 message; it is delivered again when "
							+ "the application starts: " + ex);
				}
				return;
			}
		}
		// processed while its flow is open: Paho's file of it no longer stands for unfinished
		// work (Paho completes the flow without it); under the monitor, so that the file of a
		// later flow with the same packet id is never the one removed
		int id = received.publish.getMessageId();
		synchronized (this.monitor) {
			if (this.delegate != null && this.current != null && this.current[id] == received) {
				try {
					this.delegate.remove(RECEIVED_PREFIX + id);
				}
				catch (MqttPersistenceException | RuntimeException ex) {
					// closed while the connection is down: delivered once more after a restart
					logger.debug("Could not remove the stored copy of processed QoS 2 message " + id + ": " + ex);
				}
			}
		}
	}

	private static void write(Path file, MqttPublish publish) throws IOException, MqttPersistenceException {
		byte[] header = publish.getHeaderBytes();
		byte[] payload = publish.getPayloadBytes();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			ByteBuffer[] buffers = { ByteBuffer.wrap(header), ByteBuffer.wrap((payload != null) ? payload : new byte[0]) };
			while (buffers[0].hasRemaining() || buffers[1].hasRemaining()) {
				channel.write(buffers);
			}
			channel.force(true);
		}
	}

	@Override
	public void open(String clientId) throws MqttPersistenceException {
		if (this.delegate != null) {
			this.delegate.open(clientId);
		}
		List<Received> dropped = new ArrayList<>();
		boolean first;
		synchronized (this.monitor) {
			first = !this.opened;
			this.opened = true;
			// (re)connecting: what Paho had queued for its callback is gone
			for (Received received : this.pending.values()) {
				if (this.delivered != null && this.delivered[received.publish.getMessageId()] != received.flow) {
					this.delivered[received.publish.getMessageId()] = received.flow;
					dropped.add(received);
				}
			}
			this.pending.clear();
		}
		if (first && this.directory != null) {
			dropped.addAll(openUnprocessed(clientId));
		}
		for (Received received : dropped) {
			this.rescue.accept(received.publish, processing(received));
		}
	}

	/**
	 * Open the directory of unprocessed messages; with {@code resume}, return the messages
	 * an earlier run kept there and in Paho's store (oldest first), else forget them.
	 */
	private List<Received> openUnprocessed(String clientId) throws MqttPersistenceException {
		// inside Paho's directory of the client, where Paho's own listing (*.msg files) does not look
		Path directory = this.directory.resolve(safe(clientId)).resolve(UNPROCESSED_DIRECTORY);
		List<Received> kept = new ArrayList<>();
		try {
			Files.createDirectories(directory);
			Map<Long, Path> files = new TreeMap<>();
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + FILE_EXTENSION)) {
				for (Path file : stream) {
					String name = file.getFileName().toString();
					try {
						files.put(Long.parseLong(name.substring(0, name.length() - FILE_EXTENSION.length())), file);
					}
					catch (NumberFormatException ex) {
						// not ours
					}
				}
			}
			for (Map.Entry<Long, Path> entry : files.entrySet()) {
				synchronized (this.monitor) {
					this.sequence = Math.max(this.sequence, entry.getKey());
				}
				if (!this.resume) {
					Files.deleteIfExists(entry.getValue());
					continue;
				}
				MqttPublish publish = restore(Files.readAllBytes(entry.getValue()));
				if (publish != null) {
					Received received = new Received(publish, -1);
					received.file = entry.getValue();
					kept.add(received);
				}
			}
		}
		catch (IOException ex) {
			throw new MqttPersistenceException(ex);
		}
		if (this.resume && this.delegate != null) {
			for (String key : Collections.list(this.delegate.keys())) {
				if (key.startsWith(RECEIVED_PREFIX)) {
					MqttPublish publish = restoreStored(key);
					if (publish != null) {
						kept.add(restored(publish));
					}
				}
			}
		}
		// with a clean start nothing outlives the run: no files to keep
		this.unprocessed = this.resume ? directory : null;
		if (!kept.isEmpty()) {
			logger.info("Delivering " + kept.size() + " QoS 2 message(s) that the previous run of MQTT client '" + clientId
					+ "' received but did not finish processing");
		}
		return kept;
	}

	private @Nullable MqttPublish restoreStored(String key) {
		try {
			MqttPersistable stored = this.delegate.get(key);
			return (MqttWireMessage.createWireMessage(stored) instanceof MqttPublish publish) ? publish : null;
		}
		catch (MqttException ex) {
			logger.warn("Could not read the stored QoS 2 message '" + key + "'; it is not delivered: " + ex);
			return null;
		}
	}

	private static @Nullable MqttPublish restore(byte[] bytes) {
		try {
			return (MqttWireMessage.createWireMessage(bytes) instanceof MqttPublish publish) ? publish : null;
		}
		catch (MqttException ex) {
			logger.warn("Could not read a kept QoS 2 message; it is not delivered: " + ex);
			return null;
		}
	}

	/**
	 * A message of an open flow that an earlier run stored: it counts as handed over, so
	 * that the broker's resend of its PUBLISH is dropped.
	 */
	private Received restored(MqttPublish publish) {
		synchronized (this.monitor) {
			track();
			int id = publish.getMessageId();
			Received received = new Received(publish, this.flow[id]);
			this.current[id] = received;
			this.delivered[id] = received.flow;
			return received;
		}
	}

	private static String safe(String clientId) {
		// the characters Paho's file store keeps of a client id
		StringBuilder safe = new StringBuilder(clientId.length());
		for (int i = 0; i < clientId.length(); i++) {
			char c = clientId.charAt(i);
			if (Character.isJavaIdentifierPart(c) || c == '-') {
				safe.append(c);
			}
		}
		return safe.toString();
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
		Path directory;
		synchronized (this.monitor) {
			this.pending.clear();
			this.flow = null;
			this.delivered = null;
			this.current = null;
			directory = this.unprocessed;
		}
		if (this.delegate != null) {
			this.delegate.clear();
		}
		else {
			this.memory.clear();
		}
		if (directory != null) {
			// a clean start: the session, and what it still had to process, is gone
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + FILE_EXTENSION)) {
				for (Path file : stream) {
					Files.deleteIfExists(file);
				}
			}
			catch (IOException ex) {
				throw new MqttPersistenceException(ex);
			}
		}
	}

	@Override
	public boolean containsKey(String key) throws MqttPersistenceException {
		return (this.delegate != null) ? this.delegate.containsKey(key) : this.memory.containsKey(key);
	}

	/**
	 * An incoming QoS 2 message and the flow it belongs to; over a file store, whether the
	 * application processed it and the file that keeps it after its flow ended.
	 */
	private static final class Received {

		final MqttPublish publish;

		final int flow;

		boolean processed;

		@Nullable Path file;

		Received(MqttPublish publish, int flow) {
			this.publish = publish;
			this.flow = flow;
		}

	}

}
