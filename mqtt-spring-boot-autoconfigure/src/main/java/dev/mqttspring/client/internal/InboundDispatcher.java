package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;

/**
 * Hands each incoming message to every subscription it is for, exactly once, and
 * acknowledges it when the last of them is done with it. A QoS 1/2 message that no
 * subscription matches yet (a persistent session delivers queued messages before the
 * listeners subscribed again), or that a detached subscription matches, is parked
 * unacknowledged and delivered again when a subscription is added.
 */
public final class InboundDispatcher {

	static final int MAX_PARKED = 10_000;

	private final SubscriptionRegistry registry;

	private final ReentrantLock lock;

	private final Log logger;

	private final int maxParked;

	// parked messages in arrival order: unmatched ones, and matched ones held behind
	// parked or redelivering messages of their topic
	private final List<Incoming> parked = new ArrayList<>();

	private final Map<String, Integer> parkedPerTopic = new HashMap<>();

	// topics whose parked messages the drainer is delivering right now
	private final Set<String> redelivering = new HashSet<>();

	// a drainer is delivering parked messages (one at a time)
	private boolean draining;

	// messages are parked or a drainer runs: new messages take the locked path
	private volatile boolean holding;

	/**
	 * Create a dispatcher.
	 * @param registry the subscriptions
	 * @param lock the lock under which the connection changes the subscriptions
	 * @param logger the connection's logger
	 */
	public InboundDispatcher(SubscriptionRegistry registry, ReentrantLock lock, Log logger) {
		this(registry, lock, logger, MAX_PARKED);
	}

	InboundDispatcher(SubscriptionRegistry registry, ReentrantLock lock, Log logger, int maxParked) {
		this.registry = registry;
		this.lock = lock;
		this.logger = logger;
		this.maxParked = maxParked;
	}

	/**
	 * Dispatch a message on the client's delivery thread. Never throws.
	 * @param message the message
	 */
	public void dispatch(Incoming message) {
		CallbackThread.run(() -> {
			if (this.holding) {
				dispatchHeld(message);
			}
			else {
				deliverOrHold(message);
			}
		});
	}

	// without the lock: to the subscriptions that take it now, else the locked path
	private void deliverOrHold(Incoming message) {
		List<MqttSubscription> targets = this.registry.targets(message.topic(),
				message.properties().getSubscriptionIdentifiers());
		if (!targets.isEmpty() && !this.registry.matchesDetached(message.topic())) {
			deliver(targets, message);
		}
		else {
			dispatchHeld(message);
		}
	}

	private void deliver(List<MqttSubscription> targets, Incoming incoming) {
		String topic = incoming.topic();
		Runnable shared = (targets.size() == 1) ? incoming.ack() : countdown(targets.size(), incoming.ack());
		for (MqttSubscription target : targets) {
			MqttInboundMessage message = new MqttInboundMessage(topic, incoming.payload(), incoming.qos(),
					incoming.retained(), incoming.duplicate(), incoming.messageId(), incoming.properties(), shared);
			try {
				target.getHandler().handleMessage(message);
			}
			catch (Throwable ex) {
				this.logger.error("Handler of subscription '" + target.getFilter() + "' (" + target.getOwner()
						+ ") threw on the delivery thread; the message on '" + topic + "' is acknowledged and the connection stays up", ex);
				message.acknowledge();
			}
		}
	}

	// A message that no subscription takes now, or one that must wait behind parked or
	// redelivering messages of its topic so that it does not overtake them.
	private void dispatchHeld(Incoming message) {
		String topic = message.topic();
		List<MqttSubscription> targets = List.of();
		boolean heldBehind = false;
		boolean drainHere = false;
		boolean overflow = false;
		boolean detached;
		this.lock.lock();
		try {
			// subscriptions are added under this lock: look again, or a subscription added
			// since dispatch() looked would miss this message until the next one
			detached = this.registry.matchesDetached(topic);
			List<MqttSubscription> late = detached ? List.of()
					: this.registry.targets(topic, message.properties().getSubscriptionIdentifiers());
			// held behind its topic's parked messages while there is room; beyond that (a
			// listener too slow to take the redelivered ones) it goes on at once, out of order
			if (!late.isEmpty() && isWaiting(topic) && this.parked.size() < this.maxParked) {
				hold(message);
				heldBehind = true;
				drainHere = !this.draining;
				this.draining = true;
			}
			else if (!late.isEmpty()) {
				targets = late;
			}
			else if (message.qos() > 0) {
				overflow = this.parked.size() >= this.maxParked;
				if (!overflow) {
					hold(message);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (!targets.isEmpty()) {
			deliver(targets, message);
		}
		else if (heldBehind) {
			if (drainHere) {
				drain();
			}
		}
		else if (message.qos() == 0) {
			if (this.logger.isDebugEnabled()) {
				this.logger.debug("No subscription matches a QoS 0 message on '" + topic + "'; it is discarded");
			}
		}
		else if (overflow && detached) {
			this.logger.warn("The message on '" + topic + "' is for a listener that stopped while the broker keeps "
					+ "its subscription, and " + this.maxParked + " such messages are already held; it is left unacknowledged, "
					+ "so the broker sends it again on the next connection");
		}
		else if (overflow) {
			this.logger.warn("No subscription matches the message on '" + topic + "' and " + this.maxParked
					+ " unmatched messages are already held; acknowledging it without processing");
			message.ack().run();
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("No subscription matches the message on '" + topic
					+ "' yet; holding it unacknowledged until a listener subscribes");
		}
	}

	/**
	 * Dispatch the parked messages again (a subscription was added). Messages of a topic
	 * keep their order: one that arrives meanwhile waits behind the parked ones.
	 */
	public void redeliverParked() {
		this.lock.lock();
		try {
			if (this.draining || this.parked.isEmpty()) {
				return;
			}
			this.draining = true;
			this.holding = true;
		}
		finally {
			this.lock.unlock();
		}
		CallbackThread.run(this::drain);
	}

	// One drainer at a time (draining is set): deliver, in arrival order, every parked
	// message a subscription now takes, then look again for those that arrived meanwhile.
	private void drain() {
		while (true) {
			List<Incoming> batch = new ArrayList<>();
			this.lock.lock();
			try {
				this.redelivering.clear();
				for (Iterator<Incoming> it = this.parked.iterator(); it.hasNext();) {
					Incoming message = it.next();
					if (isDeliverable(message)) {
						it.remove();
						release(message.topic());
						this.redelivering.add(message.topic());
						batch.add(message);
					}
				}
				if (batch.isEmpty()) {
					this.draining = false;
					this.holding = !this.parked.isEmpty();
					return;
				}
			}
			finally {
				this.lock.unlock();
			}
			for (Incoming message : batch) {
				deliverOrHold(message);
			}
		}
	}

	// under the lock
	private boolean isDeliverable(Incoming message) {
		return !this.registry.matchesDetached(message.topic())
				&& !this.registry.targets(message.topic(), message.properties().getSubscriptionIdentifiers()).isEmpty();
	}

	// under the lock
	private boolean isWaiting(String topic) {
		return this.parkedPerTopic.containsKey(topic) || this.redelivering.contains(topic);
	}

	// under the lock
	private void hold(Incoming message) {
		this.parked.add(message);
		this.parkedPerTopic.merge(message.topic(), 1, Integer::sum);
		this.holding = true;
	}

	// under the lock
	private void release(String topic) {
		this.parkedPerTopic.computeIfPresent(topic, (key, count) -> (count == 1) ? null : count - 1);
	}

	/**
	 * Whether messages are parked. Called under the lock.
	 * @return whether any are
	 */
	public boolean hasParked() {
		return !this.parked.isEmpty();
	}

	/**
	 * Return the number of parked messages. Called under the lock.
	 * @return the number
	 */
	public int parkedCount() {
		return this.parked.size();
	}

	/**
	 * Forget the parked messages that the broker sends again on the next connection (the
	 * connection was lost or is closed gracefully). Called under the lock.
	 */
	public void connectionLost() {
		this.parked.removeIf((message) -> {
			if (message.keepOnLoss()) {
				return false;
			}
			release(message.topic());
			return true;
		});
		this.holding = this.draining || !this.parked.isEmpty();
	}

	/**
	 * Forget every parked message (the connection stops). Called under the lock.
	 */
	public void clear() {
		this.parked.clear();
		this.parkedPerTopic.clear();
		this.holding = this.draining;
	}

	static Runnable countdown(int count, Runnable action) {
		AtomicInteger remaining = new AtomicInteger(count);
		return () -> {
			if (remaining.decrementAndGet() == 0) {
				action.run();
			}
		};
	}

	/**
	 * A received message on its way to the subscriptions.
	 * @param topic the topic
	 * @param payload the payload
	 * @param qos the QoS
	 * @param retained whether it is retained
	 * @param duplicate whether the broker sends it again
	 * @param messageId the packet identifier
	 * @param properties the MQTT 5 properties
	 * @param ack acknowledges it once every matching subscription is done with it
	 * @param keepOnLoss whether to hold it across a connection loss (the broker does not
	 * send it again)
	 */
	public record Incoming(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable ack, boolean keepOnLoss) {
	}

}
