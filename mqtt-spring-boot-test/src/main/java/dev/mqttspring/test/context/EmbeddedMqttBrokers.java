package dev.mqttspring.test.context;

import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * Creates the broker described by an {@link EmbeddedMqtt} annotation.
 */
final class EmbeddedMqttBrokers {

	private EmbeddedMqttBrokers() {
	}

	static EmbeddedMqttBroker start(int port, int webSocketPort, int maxQos) {
		EmbeddedMqttBroker.Builder builder = EmbeddedMqttBroker.builder().port(port).webSocketPort(webSocketPort);
		if (maxQos >= 0) {
			builder.maxQos(maxQos);
		}
		EmbeddedMqttBroker broker = builder.build();
		broker.start();
		return broker;
	}

	static EmbeddedMqttBroker start(EmbeddedMqtt annotation) {
		return start(annotation.port(), annotation.webSocketPort(), annotation.maxQos());
	}

}
