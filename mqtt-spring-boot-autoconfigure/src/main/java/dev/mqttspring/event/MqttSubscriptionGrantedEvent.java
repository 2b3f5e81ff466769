package dev.mqttspring.event;

/**
 * Published when the broker granted a subscription (possibly with a lower QoS than asked).
 *
 * @author mqtt-spring-boot
 */
public class MqttSubscriptionGrantedEvent extends MqttEvent {

	private final String filter;

	private final int requestedQos;

	private final int grantedQos;

	/**
	 * Create a new event.
	 * @param clientId the client id
	 * @param filter the topic filter
	 * @param requestedQos the QoS asked for
	 * @param grantedQos the QoS granted
	 */
	public MqttSubscriptionGrantedEvent(String clientId, String filter, int requestedQos, int grantedQos) {
		super(clientId);
		this.filter = filter;
		this.requestedQos = requestedQos;
		this.grantedQos = grantedQos;
	}

	/**
	 * Return the topic filter.
	 * @return the filter
	 */
	public String getFilter() {
		return this.filter;
	}

	/**
	 * Return the QoS asked for.
	 * @return the requested QoS
	 */
	public int getRequestedQos() {
		return this.requestedQos;
	}

	/**
	 * Return the QoS granted.
	 * @return the granted QoS
	 */
	public int getGrantedQos() {
		return this.grantedQos;
	}

}
