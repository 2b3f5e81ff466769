package dev.mqttspring.integration;

import org.jspecify.annotations.Nullable;

import org.springframework.integration.dsl.MessageProducerSpec;

import dev.mqttspring.listener.MqttAckMode;

/**
 * Java DSL spec for a {@link MqttMessageDrivenChannelAdapter}.
 *
 * @author mqtt-spring-boot
 * @see MqttIntegration#inboundAdapter(String...)
 */
public class MqttMessageDrivenChannelAdapterSpec
		extends MessageProducerSpec<MqttMessageDrivenChannelAdapterSpec, MqttMessageDrivenChannelAdapter> {

	MqttMessageDrivenChannelAdapterSpec(MqttMessageDrivenChannelAdapter adapter) {
		super(adapter);
	}

	/**
	 * Set the listener id (the container's id in the registry, metrics and the
	 * {@code mqtt} endpoint); defaults to the adapter's bean name.
	 * @param listenerId the id
	 * @return the spec
	 */
	public MqttMessageDrivenChannelAdapterSpec listenerId(String listenerId) {
		this.target.setListenerId(listenerId);
		return this;
	}

	/**
	 * Set the QoS to subscribe with.
	 * @param qos 0, 1 or 2
	 * @return the spec
	 */
	public MqttMessageDrivenChannelAdapterSpec qos(int qos) {
		this.target.setQos(qos);
		return this;
	}

	/**
	 * Set when QoS 1/2 messages are acknowledged to the broker: once queued for the flow
	 * ({@code RECEIVED}) or after {@code send} returned ({@code PROCESSED}).
	 * @param ackMode the mode
	 * @return the spec
	 */
	public MqttMessageDrivenChannelAdapterSpec ackMode(MqttAckMode ackMode) {
		this.target.setAckMode(ackMode);
		return this;
	}

	/**
	 * Set the shared subscription group.
	 * @param group the group
	 * @return the spec
	 */
	public MqttMessageDrivenChannelAdapterSpec group(@Nullable String group) {
		this.target.setGroup(group);
		return this;
	}

	/**
	 * Set the payload type the starter's message converter converts to.
	 * @param payloadType the type
	 * @return the spec
	 */
	public MqttMessageDrivenChannelAdapterSpec payloadType(Class<?> payloadType) {
		this.target.setPayloadType(payloadType);
		return this;
	}

}
