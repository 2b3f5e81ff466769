package dev.mqttspring.client.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttUserProperty;

/**
 * The durable outbox ({@code mqtt.outbox.*}): an append-only file in which every QoS 1/2
 * publish is written before it is sent and marked done when its future completes, so that
 * a publish whose future had not completed when the application died is sent again at the
 * next start (at least once).
 * <p>
 * Records are {@code [length][crc32][type][id][body]}; a torn last record (the process
 * died while writing it) fails its checksum and is cut off on open. The file is emptied
 * whenever nothing is pending and rewritten with the pending records only when it grows
 * past both 64 MB and twice the bytes pending; the pending records themselves are bounded
 * by {@code mqtt.outbox.max-size}. A record reaches the operating system before its
 * publish is sent (a crash of the JVM loses nothing); done marks are written in batches
 * (one lost in a crash means one more duplicate). {@code mqtt.outbox.sync-interval}
 * decides how often the file is forced to the disk (what a power failure can lose).
 */
final class FileOutbox implements AutoCloseable {

	static final String FILE_NAME = "outbox.log";

	private static final byte ADD = 1;

	private static final byte DONE = 2;

	/** Length, checksum, type and id. */
	private static final int HEADER = 4 + 4 + 1 + 8;

	/**
	 * The file is rewritten when it is larger than this and than twice the pending records.
	 */
	static final long COMPACT_MIN_BYTES = 64L * 1024 * 1024;

	/**
	 * Done marks wait in memory until the next record is written, a sync or this many: a
	 * mark lost in a crash only means that the publish is sent once more.
	 */
	private static final int DONE_BATCH = 256;

	private static final byte[] EMPTY = new byte[0];

	private final Path directory;

	private final Path file;

	private final long maxBytes;

	private final Duration syncInterval;

	private final long compactMinBytes;

	private final ByteBuffer doneMarks = ByteBuffer.allocate(DONE_BATCH * HEADER);

	private final FileChannel lockChannel;

	private final FileLock fileLock;

	private FileChannel channel;

	/** Pending records by id, in the order they were written. */
	private final Map<Long, Pending> pending = new LinkedHashMap<>();

	private final List<Replay> toReplay;

	private long pendingBytes;

	private long nextId;

	private long fileBytes;

	private long lastSync = System.nanoTime();

	private boolean dirty;

	private boolean closed;

	private FileOutbox(Path directory, long maxBytes, Duration syncInterval, long compactMinBytes) throws IOException {
		this.directory = directory;
		this.compactMinBytes = compactMinBytes;
		this.file = directory.resolve(FILE_NAME);
		this.maxBytes = maxBytes;
		this.syncInterval = syncInterval;
		Files.createDirectories(directory);
		// a lock file of its own: compaction replaces the outbox file
		this.lockChannel = FileChannel.open(directory.resolve(FILE_NAME + ".lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		FileLock lock;
		try {
			lock = this.lockChannel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			this.lockChannel.close();
			throw new IllegalStateException("The outbox directory '" + directory + "' (mqtt.outbox.directory) is in use by "
					+ "another connection or process; give each connection and application instance its own directory");
		}
		this.fileLock = lock;
		Files.deleteIfExists(directory.resolve(FILE_NAME + ".compact"));
		this.channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		this.toReplay = load();
	}

	/**
	 * Open (or create) the outbox in the given directory and read what an earlier run left
	 * pending.
	 * @param directory the directory, used by this connection alone
	 * @param maxBytes the bound of the pending records
	 * @param syncInterval how often writes are forced to the disk; zero forces each one
	 * @return the outbox
	 */
	static FileOutbox open(Path directory, long maxBytes, Duration syncInterval) {
		return open(directory, maxBytes, syncInterval, COMPACT_MIN_BYTES);
	}

	static FileOutbox open(Path directory, long maxBytes, Duration syncInterval, long compactMinBytes) {
		try {
			return new FileOutbox(directory, maxBytes, syncInterval, compactMinBytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open the outbox in '" + directory + "' (mqtt.outbox.directory): "
					+ ex.getMessage(), ex);
		}
	}

	private List<Replay> load() throws IOException {
		long size = this.channel.size();
		List<Replay> replay = new ArrayList<>();
		long position = 0;
		ByteBuffer header = ByteBuffer.allocate(HEADER);
		Map<Long, Replay> byId = new LinkedHashMap<>();
		while (position + HEADER <= size) {
			header.clear();
			readFully(header, position);
			header.flip();
			int length = header.getInt();
			int crc = header.getInt();
			byte type = header.get();
			long id = header.getLong();
			if (length < 0 || position + HEADER + length > size || (type != ADD && type != DONE)) {
				break;
			}
			ByteBuffer body = ByteBuffer.allocate(length);
			readFully(body, position + HEADER);
			if (recordChecksum(type, id, checksum(body, 0, length)) != crc) {
				break;
			}
			if (type == ADD) {
				byId.put(id, new Replay(id, decode(body.array()), HEADER + length));
			}
			else {
				byId.remove(id);
			}
			this.nextId = Math.max(this.nextId, id + 1);
			position += HEADER + length;
		}
		// a torn tail (the process died while writing it) or garbage after the last good record
		this.channel.truncate(position);
		this.fileBytes = position;
		this.channel.position(position);
		for (Replay entry : byId.values()) {
			this.pending.put(entry.id(), new Pending(entry.bytes()));
			this.pendingBytes += entry.bytes();
			replay.add(entry);
		}
		return replay;
	}

	private void readFully(ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			int read = this.channel.read(buffer, at);
			if (read < 0) {
				throw new EOFException();
			}
			at += read;
		}
	}

	/**
	 * Return the records an earlier run left pending, in the order they were published, and
	 * forget them here (they stay pending in the file until {@link #done(long)}).
	 * @return the records to send again
	 */
	synchronized List<Replay> takeReplay() {
		List<Replay> result = new ArrayList<>(this.toReplay);
		this.toReplay.clear();
		return result;
	}

	/**
	 * Write a publish before it is sent.
	 * @param message the message
	 * @return its id, to pass to {@link #done(long)}
	 * @throws OutboxFullException when the pending records would exceed the limit
	 */
	long add(MqttOutboundMessage message) {
		// encoded and checksummed outside the lock; only the id and the write take it
		ByteBuffer record = encodeRecord(message);
		int bodyChecksum = checksum(record, HEADER, record.limit() - HEADER);
		synchronized (this) {
			return add(message, record, bodyChecksum);
		}
	}

	private long add(MqttOutboundMessage message, ByteBuffer record, int bodyChecksum) {
		long bytes = record.limit();
		if (this.closed) {
			throw new IllegalStateException("The outbox in '" + this.directory + "' is closed");
		}
		if (this.pendingBytes + bytes > this.maxBytes) {
			throw new OutboxFullException("The outbox in '" + this.directory + "' holds " + this.pending.size()
					+ " unacknowledged messages (" + this.pendingBytes + " bytes); the message to '" + message.topic() + "' ("
					+ bytes + " bytes) would exceed mqtt.outbox.max-size=" + this.maxBytes + " bytes; it was not sent. Raise "
					+ "mqtt.outbox.max-size or retry when the broker acknowledges again");
		}
		long id = this.nextId++;
		record.putInt(0, record.limit() - HEADER).putInt(4, recordChecksum(ADD, id, bodyChecksum)).put(8, ADD).putLong(9, id);
		record.position(record.limit());
		write(record);
		this.pending.put(id, new Pending(bytes));
		this.pendingBytes += bytes;
		return id;
	}

	/**
	 * Mark a publish done: acknowledged, or failed with a cause the application was told.
	 * @param id the id from {@link #add(MqttOutboundMessage)} or a {@link Replay}
	 */
	synchronized void done(long id) {
		Pending entry = this.pending.remove(id);
		if (entry == null || this.closed) {
			return;
		}
		this.pendingBytes -= entry.bytes;
		try {
			if (this.pending.isEmpty()) {
				// nothing pending: start the file afresh (the common case between bursts)
				this.doneMarks.clear();
				this.channel.truncate(0);
				this.channel.position(0);
				this.fileBytes = 0;
				this.dirty = true;
				syncIfDue();
				return;
			}
			putRecord(this.doneMarks, DONE, id, EMPTY);
			if (!this.doneMarks.hasRemaining()) {
				write(null);
			}
			if (this.fileBytes > Math.max(this.compactMinBytes, 2 * this.pendingBytes)) {
				compact();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to the outbox in '" + this.directory + "': " + ex.getMessage(), ex);
		}
	}

	private static void putRecord(ByteBuffer buffer, byte type, long id, byte[] body) {
		int bodyChecksum = checksum(ByteBuffer.wrap(body), 0, body.length);
		buffer.putInt(body.length).putInt(recordChecksum(type, id, bodyChecksum)).put(type).putLong(id).put(body);
	}

	private static int checksum(ByteBuffer buffer, int offset, int length) {
		CRC32 checksum = new CRC32();
		checksum.update(buffer.duplicate().position(offset).limit(offset + length));
		return (int) checksum.getValue();
	}

	/**
	 * The checksum of a record: over its type, its id and the checksum of its body.
	 */
	private static int recordChecksum(byte type, long id, int bodyChecksum) {
		CRC32 checksum = new CRC32();
		checksum.update(ByteBuffer.allocate(13).put(type).putLong(id).putInt(bodyChecksum).flip());
		return (int) checksum.getValue();
	}

	/**
	 * Write the waiting done marks and the given record (if any) in one call.
	 */
	private void write(@Nullable ByteBuffer record) {
		this.doneMarks.flip();
		ByteBuffer[] buffers = (record != null) ? new ByteBuffer[] { this.doneMarks, record.flip() }
				: new ByteBuffer[] { this.doneMarks };
		long bytes = this.doneMarks.remaining() + ((record != null) ? record.remaining() : 0);
		try {
			long written = 0;
			while (written < bytes) {
				written += this.channel.write(buffers);
			}
			this.doneMarks.clear();
			this.fileBytes += bytes;
			this.dirty = true;
			syncIfDue();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to the outbox in '" + this.directory + "': " + ex.getMessage(), ex);
		}
	}

	private void syncIfDue() throws IOException {
		long now = System.nanoTime();
		if (this.dirty && now - this.lastSync >= this.syncInterval.toNanos()) {
			this.channel.force(false);
			this.dirty = false;
			this.lastSync = now;
		}
	}

	/**
	 * Rewrite the file with the pending records only: into a new file, forced to the disk and
	 * moved over the old one, so that a crash during the rewrite leaves one of the two whole.
	 */
	private void compact() throws IOException {
		Path next = this.directory.resolve(FILE_NAME + ".compact");
		long position = 0;
		try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			long at = 0;
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			while (at + HEADER <= this.fileBytes) {
				header.clear();
				readFully(header, at);
				header.flip();
				int length = header.getInt();
				header.getInt();
				byte type = header.get();
				long id = header.getLong();
				if (type == ADD && this.pending.containsKey(id)) {
					long copied = 0;
					while (copied < HEADER + length) {
						copied += this.channel.transferTo(at + copied, HEADER + length - copied, out);
					}
					position += copied;
				}
				at += HEADER + length;
			}
			out.force(false);
		}
		Files.move(next, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		this.doneMarks.clear();
		this.channel.close();
		this.channel = FileChannel.open(this.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
		this.channel.position(position);
		this.fileBytes = position;
		this.dirty = false;
		this.lastSync = System.nanoTime();
	}

	/**
	 * Force what was written to the disk if the interval has passed (called by the
	 * connection's scheduler so that a quiet outbox is synced too).
	 */
	synchronized void syncNow() {
		if (this.closed) {
			return;
		}
		if (this.doneMarks.position() > 0) {
			write(null);
		}
		if (!this.dirty) {
			return;
		}
		try {
			this.channel.force(false);
			this.dirty = false;
			this.lastSync = System.nanoTime();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not sync the outbox in '" + this.directory + "': " + ex.getMessage(), ex);
		}
	}

	synchronized int pendingMessages() {
		return this.pending.size();
	}

	synchronized long pendingBytes() {
		return this.pendingBytes;
	}

	synchronized long fileBytes() {
		return this.fileBytes;
	}

	Path directory() {
		return this.directory;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		try {
			if (this.doneMarks.position() > 0) {
				write(null);
			}
		}
		catch (UncheckedIOException ex) {
			// a lost done mark only means the publish is sent once more
		}
		this.closed = true;
		try {
			if (this.dirty) {
				this.channel.force(false);
			}
			this.channel.close();
			this.fileLock.release();
			this.lockChannel.close();
		}
		catch (IOException ex) {
			// the records are written; a failed release goes with the process
		}
	}

	/**
	 * Encode a message into a record with room for the header (filled under the lock).
	 */
	static ByteBuffer encodeRecord(MqttOutboundMessage message) {
		MqttMessageProperties properties = message.properties();
		byte[] topic = utf8(message.topic());
		byte[] contentType = utf8(properties.getContentType());
		byte[] responseTopic = utf8(properties.getResponseTopic());
		byte[] correlationData = properties.getCorrelationData();
		List<MqttUserProperty> userProperties = properties.getUserProperties();
		List<byte[]> userBytes = new ArrayList<>(userProperties.size() * 2);
		int size = HEADER + 1 + 1 + field(topic) + field(contentType) + field(responseTopic) + field(correlationData) + 8 + 1
				+ 4 + 4 + message.payload().length;
		for (MqttUserProperty property : userProperties) {
			byte[] name = utf8(property.name());
			byte[] value = utf8(property.value());
			userBytes.add(name);
			userBytes.add(value);
			size += field(name) + field(value);
		}
		ByteBuffer record = ByteBuffer.allocate(size);
		record.position(HEADER);
		record.put((byte) message.qos()).put((byte) (message.retain() ? 1 : 0));
		putField(record, topic);
		putField(record, contentType);
		putField(record, responseTopic);
		putField(record, correlationData);
		record.putLong((properties.getMessageExpiryInterval() != null) ? properties.getMessageExpiryInterval() : -1);
		Boolean utf8 = properties.getPayloadFormatUtf8();
		record.put((byte) ((utf8 == null) ? -1 : (utf8 ? 1 : 0)));
		record.putInt(userProperties.size());
		userBytes.forEach((bytes) -> putField(record, bytes));
		record.putInt(message.payload().length).put(message.payload());
		return record.flip();
	}

	private static byte @Nullable [] utf8(@Nullable String value) {
		return (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null;
	}

	private static int field(byte @Nullable [] value) {
		return 4 + ((value != null) ? value.length : 0);
	}

	private static void putField(ByteBuffer buffer, byte @Nullable [] value) {
		if (value == null) {
			buffer.putInt(-1);
			return;
		}
		buffer.putInt(value.length).put(value);
	}

	static byte[] encode(MqttOutboundMessage message) {
		ByteBuffer record = encodeRecord(message);
		byte[] body = new byte[record.limit() - HEADER];
		record.get(HEADER, body);
		return body;
	}

	static MqttOutboundMessage decode(byte[] body) throws IOException {
		DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
		int qos = in.readByte();
		boolean retain = in.readBoolean();
		String topic = readString(in);
		MqttMessageProperties.Builder properties = MqttMessageProperties.builder();
		properties.contentType(readString(in));
		properties.responseTopic(readString(in));
		properties.correlationData(readBytes(in));
		long expiry = in.readLong();
		if (expiry >= 0) {
			properties.messageExpiryInterval(expiry);
		}
		byte utf8 = in.readByte();
		if (utf8 >= 0) {
			properties.payloadFormatUtf8(utf8 == 1);
		}
		int userProperties = in.readInt();
		for (int i = 0; i < userProperties; i++) {
			properties.userProperty(readString(in), readString(in));
		}
		byte[] payload = new byte[in.readInt()];
		in.readFully(payload);
		return new MqttOutboundMessage(topic, payload, qos, retain, properties.build());
	}

	private static @Nullable String readString(DataInputStream in) throws IOException {
		byte[] bytes = readBytes(in);
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	private static byte @Nullable [] readBytes(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0) {
			return null;
		}
		byte[] bytes = new byte[length];
		in.readFully(bytes);
		return bytes;
	}

	/**
	 * A record an earlier run left pending.
	 * @param id its id
	 * @param message the message
	 * @param bytes its size in the file
	 */
	record Replay(long id, MqttOutboundMessage message, long bytes) {
	}

	private record Pending(long bytes) {
	}

	/**
	 * The pending records would exceed {@code mqtt.outbox.max-size}.
	 */
	static final class OutboxFullException extends RuntimeException {

		OutboxFullException(String message) {
			super(message);
		}

	}

}
