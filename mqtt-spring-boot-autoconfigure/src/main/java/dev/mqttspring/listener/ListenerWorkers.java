package dev.mqttspring.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * A container's bounded {@link ListenerQueue} and the workers that drain it: the delivery
 * thread {@linkplain #offer offers} messages without blocking (QoS 0 beyond the bounds is
 * dropped), up to {@code concurrency} workers on the task executor process them in order
 * per key, and acknowledgements go out in arrival order. {@link #drain} waits for the
 * queue to empty on stop and abandons what is left after the deadline.
 */
final class ListenerWorkers {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	/**
	 * How long an idle worker waits for the next message before its thread ends; keeps one
	 * thread per busy listener instead of one per message.
	 */
	private static final long WORKER_LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final String listenerId;

	private final Predicate<MqttInboundMessage> processor;

	private final BooleanSupplier running;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition idle = this.lock.newCondition();

	private final Condition notEmpty = this.lock.newCondition();

	private final ListenerQueue queue = new ListenerQueue();

	private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private volatile String description;

	private int capacity = 1000;

	private long memory = DefaultMqttListenerContainer.DEFAULT_QUEUE_MEMORY;

	private int concurrency = 1;

	private @Nullable Executor taskExecutor;

	private @Nullable MqttOrderingKeyResolver orderingKeyResolver;

	private boolean orderingKeyFailureLogged;

	private volatile boolean ackOnReceipt;

	private volatile boolean abandoned;

	/**
	 * Worker tasks alive (processing, looking for a message or lingering), those lingering
	 * and not claimed, and the lingering ones claimed for a message but not awake yet.
	 */
	private int workers;

	private int idleWorkers;

	private int wakeups;

	private boolean overCapacity;

	private long dropsSinceLog;

	private long dropLoggedAt;

	/**
	 * Create the workers of a listener.
	 * @param listenerId the listener id, for thread names
	 * @param processor processes a message and returns whether it may be acknowledged
	 * @param running whether the container runs (idle workers stop lingering when not)
	 */
	ListenerWorkers(String listenerId, Predicate<MqttInboundMessage> processor, BooleanSupplier running) {
		this.listenerId = listenerId;
		this.processor = processor;
		this.running = running;
		this.description = "'" + listenerId + "'";
	}

	/**
	 * Configure the workers before the container starts.
	 */
	void configure(String description, int capacity, long memory, boolean ackOnReceipt, int concurrency,
			@Nullable MqttOrderingKeyResolver orderingKeyResolver, @Nullable Executor taskExecutor) {
		this.lock.lock();
		try {
			this.description = description;
			this.capacity = capacity;
			this.memory = memory;
			this.ackOnReceipt = ackOnReceipt;
			this.concurrency = concurrency;
			this.taskExecutor = taskExecutor;
			this.orderingKeyResolver = orderingKeyResolver;
			this.abandoned = false;
			this.queue.configure(capacity, memory, ackOnReceipt);
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean isAbandoned() {
		return this.abandoned;
	}

	long getReceivedCount() {
		return this.received.get();
	}

	long getDroppedCount() {
		return this.dropped.get();
	}

	int getQueueSize() {
		this.lock.lock();
		try {
			return this.queue.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	int getActiveCount() {
		this.lock.lock();
		try {
			return this.queue.inProgress();
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- receiving (on the client's delivery thread: never block)

	/**
	 * Queue a message with its ordering key, or drop it (QoS 0 while the queue is full).
	 */
	void offer(MqttInboundMessage message) {
		boolean startWorker = false;
		boolean drop = false;
		long dropsToLog = 0;
		long bytes = (long) message.getPayload().length + message.getTopic().length();
		Object key = orderingKey(message);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>(1);
		this.lock.lock();
		try {
			this.received.incrementAndGet();
			if (message.getQos() == 0 && this.queue.isFull(bytes)) {
				drop = true;
				this.dropped.incrementAndGet();
				this.dropsSinceLog++;
				long now = System.nanoTime();
				if (this.dropsSinceLog == this.dropped.get() || now - this.dropLoggedAt >= DROP_LOG_INTERVAL_NANOS) {
					dropsToLog = this.dropsSinceLog;
					this.dropsSinceLog = 0;
					this.dropLoggedAt = now;
				}
			}
			else {
				if (this.queue.add(message, key, bytes, toAcknowledge)) {
					startWorker = claimWorker();
				}
				warnAboutBounds(this.queue.size());
			}
		}
		finally {
			this.lock.unlock();
		}
		if (drop) {
			message.acknowledge();
			if (dropsToLog > 0) {
				logDrop(message, bytes, dropsToLog);
			}
			return;
		}
		acknowledge(toAcknowledge);
		if (startWorker) {
			startWorker();
		}
	}

	private Object orderingKey(MqttInboundMessage message) {
		if (this.concurrency == 1) {
			return ListenerQueue.SINGLE_KEY;
		}
		MqttOrderingKeyResolver resolver = this.orderingKeyResolver;
		if (resolver == null) {
			return message.getTopic();
		}
		try {
			Object key = resolver.resolveOrderingKey(message);
			return (key != null) ? key : new Object();
		}
		catch (RuntimeException ex) {
			if (!this.orderingKeyFailureLogged) {
				this.orderingKeyFailureLogged = true;
				logger.error("The ordering key resolver of listener " + this.description + " failed on a message from '"
						+ message.getTopic() + "'; such messages are ordered by their topic (logged once)", ex);
			}
			return message.getTopic();
		}
	}

	/**
	 * A key became ready: wake an idle worker, or return whether to start one (holding
	 * the lock).
	 */
	private boolean claimWorker() {
		if (this.idleWorkers > 0) {
			this.idleWorkers--;
			this.wakeups++;
			this.notEmpty.signal();
			return false;
		}
		if (this.workers < this.concurrency) {
			this.workers++;
			return true;
		}
		return false;
	}

	private static void acknowledge(List<MqttInboundMessage> messages) {
		for (int i = 0; i < messages.size(); i++) {
			messages.get(i).acknowledge();
		}
	}

	private void logDrop(MqttInboundMessage message, long bytes, long drops) {
		logger.warn("Listener " + this.description + " dropped " + ((drops > 1) ? drops + " QoS 0 messages in the last "
				+ TimeUnit.NANOSECONDS.toSeconds(DROP_LOG_INTERVAL_NANOS) + " s, the last" : "a QoS 0 message")
				+ " on '" + message.getTopic() + "' (" + bytes + " bytes): its queue is full (" + this.capacity
				+ " messages, mqtt.listener.queue-capacity, or " + this.memory
				+ " bytes, mqtt.listener.queue-memory) and MQTT cannot slow QoS 0 publishers down; " + this.dropped.get()
				+ " dropped in total (meter mqtt.listener.dropped, reason queue-full). Subscribe with QoS 1 where every "
				+ "message matters");
	}

	/**
	 * Warn once when the queue grows past a bound (holding the lock).
	 */
	private void warnAboutBounds(int size) {
		long queuedBytes = this.queue.bytes();
		if ((size > this.capacity || queuedBytes > this.memory) && !this.overCapacity) {
			this.overCapacity = true;
			logger.warn("Listener " + this.description + " has " + size + " messages (" + queuedBytes
					+ " bytes) waiting, more than its queue capacity of " + this.capacity
					+ " (mqtt.listener.queue-capacity) or " + this.memory + " bytes (mqtt.listener.queue-memory): "
					+ "it is slower than its publishers. Acknowledgements of QoS 1/2 messages are withheld until "
					+ (this.ackOnReceipt ? "the queue has room" : "messages are processed")
					+ ", so the broker slows down; QoS 0 messages are dropped while the queue is full");
		}
		else if (size <= this.capacity / 2 && queuedBytes <= this.memory / 2) {
			this.overCapacity = false;
		}
	}

	// ---- processing (on the worker threads)

	private void startWorker() {
		Executor executor = this.taskExecutor;
		try {
			if (executor != null) {
				executor.execute(this::work);
			}
			else {
				SimpleAsyncTaskExecutor fallback = new SimpleAsyncTaskExecutor("mqtt-listener-" + this.listenerId + "-");
				fallback.execute(this::work);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Listener " + this.description + " could not start its worker; processing on a new thread", ex);
			Thread thread = new Thread(this::work, "mqtt-listener-" + this.listenerId);
			thread.setDaemon(true);
			thread.start();
		}
	}

	/**
	 * A worker: takes the next message whose key no other worker holds, processes it, and
	 * lingers a while when there is none before it ends.
	 */
	private void work() {
		Thread thread = Thread.currentThread();
		this.workerThreads.add(thread);
		List<MqttInboundMessage> toAcknowledge = new ArrayList<>();
		try {
			while (true) {
				ListenerQueue.Entry entry;
				this.lock.lock();
				try {
					entry = this.abandoned ? null : this.queue.take(toAcknowledge);
					while (entry == null) {
						if (!isBusy()) {
							this.overCapacity = false;
							this.idle.signalAll();
						}
						if (this.abandoned || !linger()) {
							this.workers--;
							return;
						}
						entry = this.queue.take(toAcknowledge);
					}
				}
				finally {
					this.lock.unlock();
				}
				acknowledge(toAcknowledge);
				toAcknowledge.clear();
				boolean acknowledge = this.processor.test(entry.message);
				this.lock.lock();
				try {
					this.queue.complete(entry, acknowledge && !this.abandoned, toAcknowledge);
				}
				finally {
					this.lock.unlock();
				}
				acknowledge(toAcknowledge);
				toAcknowledge.clear();
			}
		}
		finally {
			this.workerThreads.remove(thread);
			Thread.interrupted();
		}
	}

	/**
	 * Wait (holding the lock) to be woken for a message; return whether this worker was
	 * woken, else it ends.
	 */
	private boolean linger() {
		this.idleWorkers++;
		long remaining = WORKER_LINGER_NANOS;
		try {
			while (this.wakeups == 0 && this.running.getAsBoolean() && !this.abandoned && remaining > 0) {
				remaining = this.notEmpty.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.wakeups > 0) {
			// the waker counted this worker as no longer idle
			this.wakeups--;
			return true;
		}
		this.idleWorkers--;
		return false;
	}

	/**
	 * Whether messages are queued or in progress (holding the lock).
	 */
	private boolean isBusy() {
		return this.queue.size() > 0 || this.queue.inProgress() > 0;
	}

	// ---- stopping

	/**
	 * Wait until queued and in-progress messages are processed or the deadline passes;
	 * then abandon the rest (left unacknowledged), interrupt the workers and log what was
	 * left.
	 * @param deadline the {@link System#nanoTime()} deadline
	 * @param shutdownTimeoutMillis the timeout, for the log
	 */
	void drain(long deadline, long shutdownTimeoutMillis) {
		int left;
		int unacknowledged;
		this.lock.lock();
		try {
			this.notEmpty.signalAll();
			while (isBusy()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				try {
					this.idle.awaitNanos(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			if (!isBusy()) {
				return;
			}
			this.abandoned = true;
			left = this.queue.size() + this.queue.inProgress();
			unacknowledged = this.queue.unacknowledged();
			this.queue.clear();
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		this.workerThreads.forEach(Thread::interrupt);
		String outcome = (!this.ackOnReceipt || unacknowledged >= left)
				? " message(s) are left unprocessed and, with " + unacknowledged + " unacknowledged message(s) in all, are "
						+ "redelivered on the next connection if the broker keeps the session"
				: " message(s) are left unprocessed: " + (left - unacknowledged) + " of them were acknowledged on receipt "
						+ "(mqtt.listener.ack-mode=received) and are lost, " + unacknowledged
						+ " are redelivered on the next connection if the broker keeps the session";
		logger.warn("Listener " + this.description + " did not finish within the shutdown timeout of "
				+ shutdownTimeoutMillis + " ms (mqtt.listener.shutdown-timeout); " + left + outcome);
	}

}
