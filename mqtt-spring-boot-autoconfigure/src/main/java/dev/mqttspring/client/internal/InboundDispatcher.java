package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.List;
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

	private final List<Incoming> parked = new ArrayList<>();

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
			List<MqttSubscription> targets = this.registry.targets(message.topic(),
					message.properties().getSubscriptionIdentifiers());
			if (targets.isEmpty() || this.registry.matchesDetached(message.topic())) {
				park(message);
				return;
			}
			deliver(targets, message);
		});
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

	private void park(Incoming message) {
		if (message.qos() == 0) {
			if (this.logger.isDebugEnabled()) {
				this.logger.debug("No subscription matches a QoS 0 message on '" + message.topic() + "'; it is discarded");
			}
			return;
		}
		boolean overflow = false;
		boolean detached = false;
		List<MqttSubscription> late;
		this.lock.lock();
		try {
			// subscriptions are added under this lock: look again, or a subscription added
			// since dispatch() looked would miss this message until the next one
			late = this.registry.matchesDetached(message.topic()) ? List.of()
					: this.registry.targets(message.topic(), message.properties().getSubscriptionIdentifiers());
			if (late.isEmpty()) {
				detached = this.registry.matchesDetached(message.topic());
				overflow = this.parked.size() >= this.maxParked;
				if (!overflow) {
					this.parked.add(message);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (!late.isEmpty()) {
			deliver(late, message);
			return;
		}
		if (overflow && detached) {
			this.logger.warn("The message on '" + message.topic() + "' is for a listener that stopped while the broker keeps "
					+ "its subscription, and " + this.maxParked + " such messages are already held; it is left unacknowledged, "
					+ "so the broker sends it again on the next connection");
		}
		else if (overflow) {
			this.logger.warn("No subscription matches the message on '" + message.topic() + "' and " + this.maxParked
					+ " unmatched messages are already held; acknowledging it without processing");
			message.ack().run();
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug("No subscription matches the message on '" + message.topic()
					+ "' yet; holding it unacknowledged until a listener subscribes");
		}
	}

	/**
	 * Dispatch the parked messages again (a subscription was added).
	 */
	public void redeliverParked() {
		List<Incoming> candidates;
		this.lock.lock();
		try {
			if (this.parked.isEmpty()) {
				return;
			}
			candidates = new ArrayList<>(this.parked);
			this.parked.clear();
		}
		finally {
			this.lock.unlock();
		}
		for (Incoming message : candidates) {
			dispatch(message);
		}
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
		this.parked.removeIf((message) -> !message.keepOnLoss());
	}

	/**
	 * Forget every parked message (the connection stops). Called under the lock.
	 */
	public void clear() {
		this.parked.clear();
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
