package dev.mqttspring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * {@link ReceiverContext} of a listener invocation: the trace context is read from the
 * message's MQTT 5 user properties (for example W3C {@code traceparent} and
 * {@code tracestate}), so that the listener's span continues the publisher's trace.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerObservationContext extends ReceiverContext<MqttInboundMessage> {

	private final String listenerId;

	private final String clientId;

	/**
	 * Create a new context.
	 * @param message the received message, the carrier of the trace context
	 * @param listenerId the listener id
	 * @param clientId the client id
	 */
	public MqttListenerObservationContext(MqttInboundMessage message, String listenerId, String clientId) {
		super((carrier, key) -> carrier.getProperties().getUserProperty(key), Kind.CONSUMER);
		Assert.notNull(message, "'message' must not be null");
		Assert.notNull(listenerId, "'listenerId' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		setCarrier(message);
		setRemoteServiceName("mqtt");
		this.listenerId = listenerId;
		this.clientId = clientId;
	}

	/**
	 * Return the received message.
	 * @return the message
	 */
	public MqttInboundMessage getMessage() {
		MqttInboundMessage message = getCarrier();
		Assert.state(message != null, "No message");
		return message;
	}

	/**
	 * Return the listener id.
	 * @return the listener id
	 */
	public String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Return the client id.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

}
