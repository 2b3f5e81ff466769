package dev.mqttspring.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the MQTT application events; the source is the connection's client id.
 *
 * @author mqtt-spring-boot
 */
public abstract class MqttEvent extends ApplicationEvent {

	/**
	 * Create a new event.
	 * @param clientId the client id of the connection
	 */
	protected MqttEvent(String clientId) {
		super(clientId);
	}

	/**
	 * Return the client id of the connection.
	 * @return the client id
	 */
	public String getClientId() {
		return (String) getSource();
	}

}
