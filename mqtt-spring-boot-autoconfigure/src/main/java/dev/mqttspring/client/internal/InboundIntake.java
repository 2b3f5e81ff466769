package dev.mqttspring.client.internal;

import org.apache.commons.logging.Log;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;

/**
 * Where the messages a client library receives enter the connection: the inbound size
 * limit first (a message that is too large is counted for the listeners it would have
 * reached, logged without its payload, and acknowledged), then the
 * {@link InboundDispatcher} with the acknowledgement that goes to the client once every
 * matching listener is done with the message.
 */
public final class InboundIntake {

	/**
	 * Nothing to run after the acknowledgement.
	 */
	public static final Runnable NO_ACK = () -> {
	};

	private final InboundLimit limit;

	private final SubscriptionRegistry subscriptions;

	private final InboundDispatcher dispatcher;

	private final ClientHandle client;

	public InboundIntake(MqttConnectionSettings settings, SubscriptionRegistry subscriptions, InboundDispatcher dispatcher,
			ClientHandle client, Log logger) {
		this.limit = new InboundLimit(settings.getMaxInboundPacketSize(), logger, settings.getClientId(),
				settings.getVersion());
		this.subscriptions = subscriptions;
		this.dispatcher = dispatcher;
		this.client = client;
	}

	/**
	 * Dispatch an incoming message to every matching subscription and run
	 * {@code processed} (or {@link #NO_ACK}) once it is acknowledged, after the
	 * acknowledgement went to the client library. Never throws.
	 */
	public void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable processed) {
		Runnable ack;
		if (qos == 0) {
			ack = processed;
		}
		else if (processed == NO_ACK) {
			ack = () -> this.client.acknowledge(messageId, qos);
		}
		else {
			ack = () -> {
				this.client.acknowledge(messageId, qos);
				processed.run();
			};
		}
		if (!accept(topic, payload.length, qos)) {
			ack.run();
			return;
		}
		this.dispatcher.dispatch(new InboundDispatcher.Incoming(topic, payload, qos, retained, duplicate, messageId,
				properties, ack, !this.client.adapter().isRedeliveredAfterLoss(qos)));
	}

	/**
	 * Return whether an incoming message fits {@code mqtt.max-inbound-packet-size}; when it
	 * does not, count it for the listeners whose subscriptions match its topic and log it.
	 */
	public boolean accept(String topic, long payloadSize, int qos) {
		long size = InboundLimit.packetSize(topic, payloadSize, qos);
		if (this.limit.fits(size)) {
			return true;
		}
		this.limit.dropped(topic, size, qos, this.subscriptions.owners(topic));
		return false;
	}

	/**
	 * Return how many messages were too large for the listener.
	 */
	public long tooLargeCount(String owner) {
		return this.limit.count(owner);
	}

}
