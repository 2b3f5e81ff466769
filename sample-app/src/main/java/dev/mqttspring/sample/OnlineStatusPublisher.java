package dev.mqttspring.sample;

import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.event.MqttConnectedEvent;

/**
 * Keeps the retained status topic ({@code mqtt.will.topic}) current: {@code online} after
 * each connect, {@code offline} on a graceful shutdown. When the application dies or
 * loses its connection, the broker publishes the Last Will ({@code offline}) instead.
 *
 * @author mqtt-spring-boot
 */
@Component
class OnlineStatusPublisher {

	private static final Log logger = LogFactory.getLog(OnlineStatusPublisher.class);

	private final MqttTemplate mqtt;

	private final String topic;

	OnlineStatusPublisher(MqttTemplate mqtt, @Value("${mqtt.will.topic}") String topic) {
		this.mqtt = mqtt;
		this.topic = topic;
	}

	// Called on the MQTT client's thread: publish without waiting.
	@EventListener
	void connected(MqttConnectedEvent event) {
		this.mqtt.publish(this.topic, "online", 1, true).whenComplete((result, ex) -> {
			if (ex == null) {
				logger.info("Connected to " + event.getServerUri() + "; published 'online' (retained) to " + this.topic);
			}
			else {
				logger.warn("Could not publish 'online' to " + this.topic + ": " + ex.getMessage());
			}
		});
	}

	// The context closes before the connection stops, so there is still time to say goodbye.
	@EventListener
	void closing(ContextClosedEvent event) {
		try {
			this.mqtt.publish(this.topic, "offline", 1, true).get(2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.debug("Could not publish 'offline' to " + this.topic + ": " + ex);
		}
	}

}
