package dev.mqttspring.core;

import io.micrometer.observation.Observation;

/**
 * Context of the Micrometer observation of one publish.
 *
 * @author mqtt-spring-boot
 */
public class MqttPublishObservationContext extends Observation.Context {

	private final MqttOutboundMessage message;

	private final String clientId;

	/**
	 * Create a new context.
	 * @param message the message being published
	 * @param clientId the client id of the connection
	 */
	public MqttPublishObservationContext(MqttOutboundMessage message, String clientId) {
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
	 * Return the client id of the connection.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

}
