package dev.mqttspring.core;

import org.springframework.util.Assert;

/**
 * A message ready to be published: a topic, the payload bytes, QoS, retain flag and MQTT 5
 * properties. {@link MqttTemplate} validates and converts into this; a connection sends it.
 *
 * @param topic the topic name
 * @param payload the payload bytes
 * @param qos the QoS (0, 1 or 2)
 * @param retain whether the broker retains the message
 * @param properties the MQTT 5 properties
 * @author mqtt-spring-boot
 */
public record MqttOutboundMessage(String topic, byte[] payload, int qos, boolean retain, MqttMessageProperties properties) {

	/**
	 * Create a new message.
	 * @param topic the topic name
	 * @param payload the payload bytes
	 * @param qos the QoS
	 * @param retain the retain flag
	 * @param properties the MQTT 5 properties
	 */
	public MqttOutboundMessage {
		Assert.notNull(topic, "'topic' must not be null");
		Assert.notNull(payload, "'payload' must not be null");
		Assert.notNull(properties, "'properties' must not be null");
	}

	@Override
	public String toString() {
		return "MqttOutboundMessage{topic=" + this.topic + ", payload=" + this.payload.length + " bytes, qos=" + this.qos
				+ ", retain=" + this.retain + "}";
	}

}
