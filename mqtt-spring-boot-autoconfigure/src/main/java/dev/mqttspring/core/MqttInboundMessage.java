package dev.mqttspring.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message received from the broker. QoS 1 and 2 messages are acknowledged to the
 * broker only when every handler it was dispatched to called {@link #acknowledge()}.
 *
 * @author mqtt-spring-boot
 */
public final class MqttInboundMessage {

	private final String topic;

	private final byte[] payload;

	private final int qos;

	private final boolean retained;

	private final boolean duplicate;

	private final int messageId;

	private final MqttMessageProperties properties;

	private final Runnable acknowledgement;

	private final AtomicBoolean acknowledged = new AtomicBoolean();

	/**
	 * Create a new message.
	 * @param topic the topic it was published to
	 * @param payload the payload bytes
	 * @param qos the QoS it was delivered with
	 * @param retained whether it is a retained message
	 * @param duplicate whether it is a redelivery
	 * @param messageId the packet identifier (0 for QoS 0)
	 * @param properties the MQTT 5 properties
	 * @param acknowledgement the action that acknowledges it once
	 */
	public MqttInboundMessage(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable acknowledgement) {
		this.topic = topic;
		this.payload = payload;
		this.qos = qos;
		this.retained = retained;
		this.duplicate = duplicate;
		this.messageId = messageId;
		this.properties = properties;
		this.acknowledgement = acknowledgement;
	}

	/**
	 * Return the topic the message was published to.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the payload bytes (not copied; do not modify).
	 * @return the payload
	 */
	public byte[] getPayload() {
		return this.payload;
	}

	/**
	 * Return the QoS the message was delivered with.
	 * @return the QoS
	 */
	public int getQos() {
		return this.qos;
	}

	/**
	 * Return whether this is a retained message.
	 * @return whether retained
	 */
	public boolean isRetained() {
		return this.retained;
	}

	/**
	 * Return whether this is a redelivery.
	 * @return whether a duplicate
	 */
	public boolean isDuplicate() {
		return this.duplicate;
	}

	/**
	 * Return the packet identifier (0 for QoS 0).
	 * @return the packet identifier
	 */
	public int getMessageId() {
		return this.messageId;
	}

	/**
	 * Return the MQTT 5 properties.
	 * @return the properties, never {@code null}
	 */
	public MqttMessageProperties getProperties() {
		return this.properties;
	}

	/**
	 * Acknowledge the message; calls after the first are ignored.
	 */
	public void acknowledge() {
		if (this.acknowledged.compareAndSet(false, true)) {
			this.acknowledgement.run();
		}
	}

	/**
	 * Return whether {@link #acknowledge()} was called.
	 * @return whether acknowledged
	 */
	public boolean isAcknowledged() {
		return this.acknowledged.get();
	}

	@Override
	public String toString() {
		return "MqttInboundMessage{topic=" + this.topic + ", payload=" + this.payload.length + " bytes, qos=" + this.qos
				+ ", retained=" + this.retained + ", duplicate=" + this.duplicate + "}";
	}

}
