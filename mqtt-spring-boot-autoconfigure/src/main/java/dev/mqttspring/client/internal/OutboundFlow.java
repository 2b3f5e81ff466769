package dev.mqttspring.client.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttReasonCodes;

/**
 * The way of a publish to the client library: sent at once while connected and an
 * in-flight slot is free, else held in the offline buffer (bounded by bytes and messages)
 * and sent in order as slots free; QoS 1/2 publishes the client library sends again after a
 * reconnect stay in flight; with mqtt.outbox.* they are written to the durable outbox first.
 */
public final class OutboundFlow {

	private static final ThreadLocal<Boolean> PUMPING = new ThreadLocal<>();

	private final MqttConnectionSettings settings;

	private final Link link;

	private final Log logger;

	private final OfflineBuffer<PendingPublish> buffer;

	private final InflightWindow window;

	private final Set<PendingPublish> awaitingResend = ConcurrentHashMap.newKeySet();

	/**
	 * Held from taking a publish for sending until the client library has it, so that the
	 * publishes of one thread reach the client in the order they were made even when the
	 * publishing thread and a completion thread send at the same time.
	 */
	private final ReentrantLock sendOrder = new ReentrantLock();

	/**
	 * Set by a thread that found the buffer to be drained while another thread held
	 * {@code sendOrder}: the holder drains again before it leaves (a client-library thread
	 * never waits for the lock).
	 */
	private final AtomicBoolean pumpRequested = new AtomicBoolean();

	/**
	 * Where buffered publishes are handed to the client when acknowledgements free slots on
	 * a client-library thread: not on that thread, which is the client's I/O thread (the
	 * connection's scheduler, set on open).
	 */
	private volatile @Nullable Executor pumpExecutor;

	/** A pump is queued on {@link #pumpExecutor} and has not started. */
	private final AtomicBoolean pumpScheduled = new AtomicBoolean();

	/** The durable outbox (mqtt.outbox.*); open while running. */
	private volatile @Nullable FileOutbox outbox;

	private final AtomicLong outboxReplayed = new AtomicLong();

	/**
	 * Create the flow of a connection.
	 * @param settings the connection's settings
	 * @param link what the flow needs of the connection
	 * @param logger the connection's logger
	 */
	public OutboundFlow(MqttConnectionSettings settings, Link link, Log logger) {
		this.settings = settings;
		this.link = link;
		this.logger = logger;
		this.window = new InflightWindow(settings.getMaxInflight());
		this.buffer = new OfflineBuffer<>((pending) -> pending.bytes, settings.getOfflineBufferMemory(),
				settings.getOfflineBufferSize());
	}

	private String clientId() {
		return this.settings.getClientId();
	}

	// ---- lifecycle

	/**
	 * Open the buffer and the outbox, if configured (the connection starts).
	 * @param scheduler the connection's scheduler, for syncing the outbox
	 */
	public void open(ScheduledExecutorService scheduler) {
		this.pumpExecutor = scheduler;
		this.buffer.open();
		Path directory = this.settings.getOutboxDirectory();
		if (directory == null) {
			return;
		}
		FileOutbox opened = FileOutbox.open(directory, this.settings.getOutboxMaxSize(),
				this.settings.getOutboxSyncInterval());
		this.outbox = opened;
		long interval = this.settings.getOutboxSyncInterval().toMillis();
		if (interval > 0) {
			scheduler.scheduleWithFixedDelay(() -> {
				try {
					opened.syncNow();
				}
				catch (RuntimeException ex) {
					this.logger.warn("Syncing the outbox of '" + clientId() + "' failed: " + ex.getMessage());
				}
			}, interval, interval, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Send again, in their order, the publishes an earlier run left in the outbox without an
	 * acknowledgement; on a thread of its own, as they may wait for room in the buffer.
	 */
	public void replayOutbox() {
		FileOutbox current = this.outbox;
		if (current == null || !this.link.isRunning()) {
			return;
		}
		List<FileOutbox.Replay> replay = current.takeReplay();
		if (replay.isEmpty()) {
			return;
		}
		this.logger.info("MQTT client '" + clientId() + "' sends again " + replay.size() + " publishes that an earlier run "
				+ "left unacknowledged in the outbox " + current.directory());
		Thread thread = new Thread(() -> {
			for (FileOutbox.Replay entry : replay) {
				if (!this.link.isRunning()) {
					return;
				}
				this.outboxReplayed.incrementAndGet();
				publish(entry.message(), entry.id());
			}
		}, "mqtt-outbox-replay-" + clientId());
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Close the buffer, forget the in-flight slots and collect every publish that waits
	 * (the connection stops). Called under the connection's lock; run the returned action
	 * after {@link #closeOutbox()}: it fails those publishes with the stopping
	 * connection's message.
	 * @return the action that fails the publishes
	 */
	public Runnable close() {
		List<PendingPublish> abandoned = collectOnClose();
		return () -> abandon(abandoned);
	}

	List<PendingPublish> collectOnClose() {
		List<PendingPublish> abandoned = new ArrayList<>(this.buffer.close());
		abandoned.addAll(this.awaitingResend);
		this.awaitingResend.clear();
		this.window.reset();
		return abandoned;
	}

	void abandon(List<PendingPublish> abandoned) {
		for (PendingPublish pending : abandoned) {
			pending.future.completeExceptionally(new MqttDeliveryException("MQTT connection '" + clientId()
					+ "' stopped before the message to '" + pending.message.topic() + "' could be sent"
					+ ((pending.outboxId >= 0) ? "; it stays in the outbox and is sent at the next start" : "")));
		}
	}

	/**
	 * Close the outbox, if open.
	 */
	public void closeOutbox() {
		FileOutbox box = this.outbox;
		this.outbox = null;
		if (box != null) {
			box.close();
		}
	}

	/**
	 * Fail the publishes that wait for a resend by a client that is being replaced.
	 */
	public void clientReplaced() {
		for (PendingPublish pending : List.copyOf(this.awaitingResend)) {
			this.awaitingResend.remove(pending);
			this.window.release();
			pending.future.completeExceptionally(new MqttDeliveryException("The MQTT client of '" + clientId()
					+ "' was replaced after a connect attempt hung; the message to '" + pending.message.topic()
					+ "' may not have been delivered"));
		}
	}

	/**
	 * Take the broker's Receive Maximum into account (a connection is established).
	 * @param receiveMaximum the broker's limit
	 */
	public void connected(int receiveMaximum) {
		this.window.setLimit(Math.min(this.settings.getMaxInflight(), receiveMaximum));
	}

	/**
	 * Let waiting publishers send and drain the backlog (a connection is established).
	 * @param scheduler where to drain the backlog
	 */
	public void resume(ScheduledExecutorService scheduler) {
		// publishers waiting for room may now send directly; the backlog drains as in-flight slots free
		this.buffer.signal();
		if (!this.buffer.isEmpty()) {
			try {
				scheduler.execute(this::pump);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	/**
	 * Wait, for up to the given time, until no publish is in flight.
	 * @param timeout the longest wait
	 */
	public void awaitInFlight(Duration timeout) {
		long deadline = System.nanoTime() + InflightWindow.nanos(timeout);
		while (this.window.inUse() > 0 && System.nanoTime() < deadline && this.link.isRunning()) {
			java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	// ---- publishing

	/**
	 * Publish a message.
	 * @param message the message
	 * @return a future completed on the broker's acknowledgement
	 */
	public CompletableFuture<Void> publish(MqttOutboundMessage message) {
		return publish(message, -1);
	}

	private CompletableFuture<Void> publish(MqttOutboundMessage message, long replayedId) {
		PendingPublish pending = new PendingPublish(message, new CompletableFuture<>());
		if (!this.link.isRunning()) {
			pending.future.completeExceptionally(new MqttDeliveryException("MQTT connection '" + clientId()
					+ "' is not started; the message to '" + message.topic() + "' was not sent"));
			return pending.future;
		}
		FileOutbox box = this.outbox;
		if (box != null && message.qos() > 0 && !keepInOutbox(box, pending, replayedId)) {
			return pending.future;
		}
		// a client-library thread (a delivery or completion callback) never waits: it is the
		// thread that must run for room to appear (a reconnect, acknowledgements)
		boolean callback = CallbackThread.isCurrent();
		// sent at once when connected, nothing waits and an in-flight slot is free; else it
		// waits its turn in the buffer, which sends it when a slot frees (never blocking a thread there)
		boolean[] slot = new boolean[1];
		OfflineBuffer.Outcome outcome;
		try {
			outcome = this.buffer.offer(pending, callback ? 0 : InflightWindow.nanos(this.settings.getPublishMaxBlock()),
					callback, () -> {
						if (callback || !this.link.isConnected()) {
							return true;
						}
						slot[0] = this.window.tryAcquire();
						return !slot[0];
					});
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pending.future.completeExceptionally(new MqttDeliveryException("Interrupted while waiting for room in the "
					+ "offline buffer to publish to '" + message.topic() + "'", MqttDeliveryException.NO_REASON_CODE, ex));
			return pending.future;
		}
		switch (outcome) {
			case NOT_NEEDED -> sendInOrder(pending);
			case BUFFERED -> {
				if (this.link.isConnected()) {
					pump();
				}
			}
			case FULL -> pending.future.completeExceptionally(new MqttDeliveryException(bufferFull(message)));
			case TOO_LARGE -> pending.future.completeExceptionally(new MqttDeliveryException("The message to '"
					+ message.topic() + "' (" + pending.bytes + " bytes) is larger than the whole offline buffer ("
					+ "mqtt.offline-buffer-memory=" + this.buffer.maxBytes() + " bytes) and the connection is down; it was "
					+ "not sent. Raise mqtt.offline-buffer-memory or retry when connected"));
			case CLOSED -> pending.future.completeExceptionally(new MqttDeliveryException("MQTT connection '"
					+ clientId() + "' stopped; the message to '" + message.topic() + "' was not sent"));
		}
		return pending.future;
	}

	/**
	 * Write a QoS 1/2 publish to the outbox before it is sent; its record goes when its
	 * future completes, unless the connection is stopping (sent again at the next start) or
	 * it is a publish of an earlier run that failed again (kept for the next start).
	 * @return whether the publish may go on
	 */
	private boolean keepInOutbox(FileOutbox box, PendingPublish pending, long replayedId) {
		boolean replayed = replayedId >= 0;
		try {
			pending.outboxId = replayed ? replayedId : box.add(pending.message);
		}
		catch (RuntimeException ex) {
			pending.future.completeExceptionally(new MqttDeliveryException(ex.getMessage(),
					MqttDeliveryException.NO_REASON_CODE, ex));
			return false;
		}
		long id = pending.outboxId;
		pending.future.whenComplete((result, ex) -> {
			if (ex == null || (this.link.isRunning() && !replayed)) {
				try {
					box.done(id);
				}
				catch (RuntimeException failure) {
					this.logger.warn("The outbox of '" + clientId() + "' could not record a completed publish (it may "
							+ "be sent again at the next start): " + failure.getMessage());
				}
			}
			else if (this.link.isRunning()) {
				this.logger.warn("A publish to '" + pending.message.topic() + "' left in the outbox by an earlier run failed "
						+ "again; it stays in the outbox for the next start: " + ex.getMessage());
			}
		});
		return true;
	}

	private String bufferFull(MqttOutboundMessage message) {
		String why = this.link.isConnected()
				? "has all " + this.window.limit() + " in-flight slots taken (the broker acknowledges slower than the application publishes)"
				: "is not connected (" + this.link.disconnectedBecause() + ")";
		return "MQTT client '" + clientId() + "' " + why + " and its offline buffer stayed full for "
				+ this.settings.getPublishMaxBlock().toMillis() + " ms (mqtt.template.max-block): "
				+ this.buffer.messages() + " messages, " + this.buffer.bytes() + " bytes (limits mqtt.offline-buffer-size="
				+ this.buffer.maxMessages() + ", mqtt.offline-buffer-memory=" + this.buffer.maxBytes() + " bytes); the message"
				+ " to '" + message.topic() + "' was not sent. Raise mqtt.template.max-block or mqtt.offline-buffer-memory,"
				+ " or retry when connected";
	}

	/**
	 * Send buffered publishes while connected and in-flight slots are free; never blocks.
	 * Called on connect and whenever a slot is released.
	 */
	private void pump() {
		if (PUMPING.get() != null) {
			// a completion that ran inside the client's publish: the outer loop goes on
			return;
		}
		this.pumpRequested.set(true);
		while (this.pumpRequested.get() && this.sendOrder.tryLock()) {
			PUMPING.set(Boolean.TRUE);
			try {
				this.pumpRequested.set(false);
				while (this.link.isConnected() && !this.buffer.isEmpty() && this.window.tryAcquire()) {
					PendingPublish next = this.buffer.poll();
					if (next == null) {
						this.window.release();
						return;
					}
					if (!sendWithSlot(next)) {
						return;
					}
				}
			}
			finally {
				PUMPING.remove();
				this.sendOrder.unlock();
			}
		}
	}

	/**
	 * Send a publish that found the buffer empty and got an in-flight slot, after a publish
	 * that another thread took from the buffer before (the application thread waits for
	 * that thread's hand-over to the client, which does not block).
	 */
	private void sendInOrder(PendingPublish pending) {
		this.sendOrder.lock();
		try {
			sendWithSlot(pending);
		}
		finally {
			this.sendOrder.unlock();
		}
		if (this.pumpRequested.get()) {
			pump();
		}
	}

	private void releaseSlot() {
		int free = this.window.release();
		if (this.buffer.isEmpty()) {
			return;
		}
		Executor executor = this.pumpExecutor;
		if (executor == null || !CallbackThread.isCurrent()) {
			pump();
			return;
		}
		// an acknowledgement on the client's I/O thread: the buffered publishes are handed to
		// the client on the scheduler, once a batch of slots is free (one wake-up per batch),
		// so that the I/O thread only reads and writes. The slots still taken complete later
		// and come here again, so a batch always frees up
		if (free >= Math.max(1, this.window.limit() / 8) && this.pumpScheduled.compareAndSet(false, true)) {
			try {
				executor.execute(() -> {
					this.pumpScheduled.set(false);
					pump();
				});
			}
			catch (RejectedExecutionException ex) {
				// stopping: hand them over here
				this.pumpScheduled.set(false);
				pump();
			}
		}
	}

	/**
	 * Hand a publish that holds an in-flight slot to the client.
	 * @return {@code false} if the client was not connected and the publish went back to the
	 * head of the buffer
	 */
	private boolean sendWithSlot(PendingPublish pending) {
		MqttOutboundMessage message = pending.message;
		boolean sent;
		try {
			sent = this.link.send(message, new Completion(pending));
		}
		catch (Exception ex) {
			// not releaseSlot(): sending the backlog now would meet the same closed connection
			this.window.release();
			if (this.link.isNotConnected(ex) && this.link.isRunning() && this.buffer.requeue(pending)) {
				// the loss callback comes next; the reconnect sends it again
				return false;
			}
			pending.future.completeExceptionally(new MqttDeliveryException("Publishing to '" + message.topic() + "' failed: "
					+ this.link.describe(ex), MqttDeliveryException.NO_REASON_CODE, ex));
			return true;
		}
		if (!sent) {
			releaseSlot();
			pending.future.completeExceptionally(new MqttDeliveryException("MQTT connection '" + clientId()
					+ "' stopped; the message to '" + message.topic() + "' was not sent"));
		}
		return true;
	}

	/**
	 * Whether a failed QoS 1/2 publish stays in flight: with a persistent session the
	 * client sends it again after a reconnect, unless the broker refused it.
	 */
	private boolean awaitsResend(MqttOutboundMessage message, int reasonCode) {
		if (!this.link.isRunning() || this.settings.isCleanStart() || message.qos() == 0) {
			return false;
		}
		return switch (reasonCode) {
			case 0x80, 0x83, 0x87, 0x90, 0x91, 0x95, 0x97, 0x99, 0x9A, 0x9B -> false;
			default -> true;
		};
	}

	// ---- metrics

	public int bufferedMessages() {
		return this.buffer.messages();
	}

	public long bufferedBytes() {
		return this.buffer.bytes();
	}

	public long blockedCount() {
		return this.buffer.blockedCount();
	}

	public long blockedNanos() {
		return this.buffer.blockedNanos();
	}

	public int outboxMessages() {
		FileOutbox box = this.outbox;
		return (box != null) ? box.pendingMessages() : 0;
	}

	public long outboxBytes() {
		FileOutbox box = this.outbox;
		return (box != null) ? box.pendingBytes() : 0;
	}

	public long outboxReplayed() {
		return this.outboxReplayed.get();
	}

	int inFlight() {
		return this.window.inUse();
	}

	/**
	 * The outcome of one publish, as the client library reports it; runs as a client-library
	 * callback. Each method may be called once; a failure the client resends after
	 * reconnecting may be followed by a completion.
	 */
	public final class Completion {

		private final PendingPublish pending;

		private final AtomicBoolean released = new AtomicBoolean();

		Completion(PendingPublish pending) {
			this.pending = pending;
		}

		private void releaseOnce() {
			if (!OutboundFlow.this.awaitingResend.isEmpty()) {
				OutboundFlow.this.awaitingResend.remove(this.pending);
			}
			if (this.released.compareAndSet(false, true)) {
				OutboundFlow.this.releaseSlot();
			}
		}

		/**
		 * The broker acknowledged the publish (QoS 0: it was written).
		 * @param reasonCode the acknowledgement's reason code
		 */
		public void completed(int reasonCode) {
			CallbackThread.run(() -> {
				releaseOnce();
				if (reasonCode >= 0x80) {
					this.pending.future.completeExceptionally(new MqttDeliveryException("The broker refused the message to '"
							+ this.pending.message.topic() + "': " + MqttReasonCodes.describe(reasonCode), reasonCode, null));
				}
				else {
					this.pending.future.complete(null);
				}
			});
		}

		/**
		 * The publish failed.
		 * @param ex the failure
		 */
		public void failed(Throwable ex) {
			CallbackThread.run(() -> {
				int code = OutboundFlow.this.link.reasonCodeOf(ex);
				if (awaitsResend(this.pending.message, code) && OutboundFlow.this.link.resendsAfterReconnect(ex)) {
					// the client keeps QoS 1/2 messages of a persistent session and sends them again
					// after the reconnect: the future completes with that acknowledgement
					OutboundFlow.this.awaitingResend.add(this.pending);
					return;
				}
				releaseOnce();
				this.pending.future.completeExceptionally(new MqttDeliveryException("Publishing to '"
						+ this.pending.message.topic() + "' failed: " + OutboundFlow.this.link.describe(ex),
						(code >= 0x80) ? code : MqttDeliveryException.NO_REASON_CODE, ex));
			});
		}

	}

	/**
	 * What the flow needs of its connection and client.
	 */
	public interface Link {

		boolean isRunning();

		boolean isConnected();

		/**
		 * Return why the connection is down: the last failure, else the state.
		 * @return the reason
		 */
		String disconnectedBecause();

		/**
		 * Hand a publish to the client.
		 * @param message the message
		 * @param completion to call with the outcome
		 * @return {@code false} if there is no client (the connection stopped)
		 * @throws Exception if the client refuses the publish
		 */
		boolean send(MqttOutboundMessage message, Completion completion) throws Exception;

		int reasonCodeOf(Throwable ex);

		String describe(Throwable ex);

		/**
		 * Whether an exception from a publish call means "not connected right now".
		 * @param ex the exception
		 * @return whether it does
		 */
		boolean isNotConnected(Throwable ex);

		/**
		 * Whether the client library keeps a QoS 1/2 publish that failed with this exception
		 * and sends it again after reconnecting with the same session.
		 * @param ex the exception
		 * @return whether it does
		 */
		boolean resendsAfterReconnect(Throwable ex);

	}

}
