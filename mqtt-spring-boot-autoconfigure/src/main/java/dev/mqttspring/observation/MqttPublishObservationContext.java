package dev.mqttspring.observation;

import io.micrometer.observation.transport.SenderContext;

import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;

/**
 * Context of the Micrometer observation of one publish. Its carrier is the builder of the
 * message's MQTT 5 properties, so a tracing handler propagates the trace context (W3C
 * {@code traceparent}) as user properties.
 *
 * @author mqtt-spring-boot
 */
public class MqttPublishObservationContext extends SenderContext<MqttMessageProperties.Builder> {

	private final MqttOutboundMessage message;

	private final String clientId;

	/**
	 * Create a new context.
	 * @param message the message being published
	 * @param clientId the client id of the connection
	 */
	public MqttPublishObservationContext(MqttOutboundMessage message, String clientId) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.userProperty(key, value);
			}
		});
		setCarrier(message.properties().toBuilder());
		this.message = message;
		this.clientId = clientId;
	}

	/**
	 * Return the message being published.
	 * @return the message
	 */
	public MqttOutboundMessage getMessage() {
		return this.message;
	}

	/**
	 * Return the message to send: the original one with the propagated trace context in
	 * its user properties.
	 * @return the message to send
	 */
	public MqttOutboundMessage getPropagatedMessage() {
		MqttMessageProperties.Builder carrier = getCarrier();
		if (carrier == null) {
			return this.message;
		}
		MqttMessageProperties properties = carrier.build();
		if (properties.getUserProperties().size() == this.message.properties().getUserProperties().size()) {
			return this.message;
		}
		return new MqttOutboundMessage(this.message.topic(), this.message.payload(), this.message.qos(),
				this.message.retain(), properties);
	}

	/**
	 * Return the client id of the connection.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

}
