package dev.mqttspring.core;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

import dev.mqttspring.event.MqttDeliveryFailedEvent;

/**
 * {@link MqttPublishObserver} that publishes an {@link MqttDeliveryFailedEvent} for each
 * failed or rejected publish of a template, before its future completes. Auto-configuration
 * adds one to every template it creates.
 *
 * @author mqtt-spring-boot
 */
public final class MqttDeliveryFailedEventPublisher implements MqttPublishObserver {

	private static final Log logger = LogFactory.getLog(MqttDeliveryFailedEventPublisher.class);

	private final ApplicationEventPublisher eventPublisher;

	private final MqttConnection connection;

	/**
	 * Create a new event publisher.
	 * @param eventPublisher the publisher of the events
	 * @param connection the template's connection, whose client id the events carry
	 */
	public MqttDeliveryFailedEventPublisher(ApplicationEventPublisher eventPublisher, MqttConnection connection) {
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		Assert.notNull(connection, "'connection' must not be null");
		this.eventPublisher = eventPublisher;
		this.connection = connection;
	}

	@Override
	public Handle start(MqttOutboundMessage message) {
		String topic = message.topic();
		return (failure) -> {
			if (failure != null) {
				publish(topic, failure);
			}
		};
	}

	@Override
	public void rejected(String topic, Throwable failure) {
		publish(topic, failure);
	}

	private void publish(String topic, Throwable failure) {
		try {
			this.eventPublisher.publishEvent(new MqttDeliveryFailedEvent(this.connection.getClientId(), topic, failure));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of MqttDeliveryFailedEvent failed", ex);
		}
	}

	@Override
	public String toString() {
		return "MqttDeliveryFailedEventPublisher{clientId=" + this.connection.getClientId() + "}";
	}

}
