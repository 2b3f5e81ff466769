package dev.mqttspring.config;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.listener.MqttMessageListener;

/**
 * An endpoint whose messages are processed by a given {@link MqttMessageListener}, for
 * listeners registered programmatically through a
 * {@link MqttListenerEndpointRegistry#registerListenerContainer registry}.
 *
 * @author mqtt-spring-boot
 */
public class SimpleMqttListenerEndpoint extends AbstractMqttListenerEndpoint {

	private @Nullable MqttMessageListener messageListener;

	/**
	 * Set the listener.
	 * @param messageListener the listener
	 */
	public void setMessageListener(MqttMessageListener messageListener) {
		this.messageListener = messageListener;
	}

	@Override
	public MqttMessageListener createMessageListener(MqttConnection connection, MessageConverter messageConverter) {
		Assert.state(this.messageListener != null, "'messageListener' must be set");
		return this.messageListener;
	}

}
