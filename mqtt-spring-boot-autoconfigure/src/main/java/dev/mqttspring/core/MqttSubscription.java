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

	private final MqttSubscriptionOptions options;

	/**
	 * Create a new subscription; the filter is validated.
	 * @param filter the topic filter, possibly {@code $share/<group>/<filter>}
	 * @param qos the maximum QoS requested (0, 1 or 2)
	 * @param handler the handler for matching messages
	 * @param owner a name for logs, events and health (for example a listener id)
	 */
	public MqttSubscription(String filter, int qos, MqttMessageHandler handler, String owner) {
		this(filter, qos, handler, owner, MqttSubscriptionOptions.DEFAULTS);
	}

	/**
	 * Create a new subscription with MQTT 5 subscription options; the filter is
	 * validated.
	 * @param filter the topic filter, possibly {@code $share/<group>/<filter>}
	 * @param qos the maximum QoS requested (0, 1 or 2)
	 * @param handler the handler for matching messages
	 * @param owner a name for logs, events and health (for example a listener id)
	 * @param options the subscription options (ignored on MQTT 3.1.1)
	 */
	public MqttSubscription(String filter, int qos, MqttMessageHandler handler, String owner,
			MqttSubscriptionOptions options) {
		MqttTopics.validateTopicFilter(filter);
		MqttQos.validate(qos, "Subscription QoS for '" + filter + "'");
		Assert.notNull(handler, "'handler' must not be null");
		Assert.notNull(owner, "'owner' must not be null");
		Assert.notNull(options, "'options' must not be null");
		if (options.noLocal() && MqttTopics.isShared(filter)) {
			throw new IllegalArgumentException("Subscription '" + filter + "' of " + owner + " is shared and sets noLocal, "
					+ "which MQTT 5 forbids on shared subscriptions (the broker closes the connection); remove noLocal or "
					+ "the group");
		}
		this.options = options;
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

	/**
	 * Return the MQTT 5 subscription options.
	 * @return the options
	 */
	public MqttSubscriptionOptions getOptions() {
		return this.options;
	}

	@Override
	public String toString() {
		return "MqttSubscription{filter=" + this.filter + ", qos=" + this.qos + ", owner=" + this.owner
				+ (this.options.isDefault() ? "" : ", " + this.options) + "}";
	}

}
