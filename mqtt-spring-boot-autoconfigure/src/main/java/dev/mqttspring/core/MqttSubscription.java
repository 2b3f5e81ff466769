package dev.mqttspring.core;

import org.springframework.util.Assert;

/**
 * A subscription of one handler to one topic filter. Identity matters: the same filter
 * may be subscribed by several handlers, and each gets every matching message once.
 *
 * @author mqtt-spring-boot
 */
public final class MqttSubscription {

	private final String filter;

	private final int qos;

	private final MqttMessageHandler handler;

	private final String owner;

	/**
	 * Create a new subscription; the filter is validated.
	 * @param filter the topic filter, possibly {@code $share/<group>/<filter>}
	 * @param qos the maximum QoS requested (0, 1 or 2)
	 * @param handler the handler for matching messages
	 * @param owner a name for logs, events and health (for example a listener id)
	 */
	public MqttSubscription(String filter, int qos, MqttMessageHandler handler, String owner) {
		MqttTopics.validateTopicFilter(filter);
		MqttQos.validate(qos, "Subscription QoS for '" + filter + "'");
		Assert.notNull(handler, "'handler' must not be null");
		Assert.notNull(owner, "'owner' must not be null");
		this.filter = filter;
		this.qos = qos;
		this.handler = handler;
		this.owner = owner;
	}

	/**
	 * Return the topic filter as subscribed.
	 * @return the filter
	 */
	public String getFilter() {
		return this.filter;
	}

	/**
	 * Return the requested QoS.
	 * @return the QoS
	 */
	public int getQos() {
		return this.qos;
	}

	/**
	 * Return the handler.
	 * @return the handler
	 */
	public MqttMessageHandler getHandler() {
		return this.handler;
	}

	/**
	 * Return the owner name.
	 * @return the owner
	 */
	public String getOwner() {
		return this.owner;
	}

	@Override
	public String toString() {
		return "MqttSubscription{filter=" + this.filter + ", qos=" + this.qos + ", owner=" + this.owner + "}";
	}

}
