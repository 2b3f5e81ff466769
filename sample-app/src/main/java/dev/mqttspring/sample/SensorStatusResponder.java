package dev.mqttspring.sample;

import org.springframework.stereotype.Component;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;

/**
 * Answers status requests on {@code sensors/{sensorId}/status/get}: the returned value is
 * published, as JSON, to the MQTT 5 response topic of the request with its correlation
 * data.
 *
 * @author mqtt-spring-boot
 */
@Component
class SensorStatusResponder {

	private final SensorRegistry sensors;

	SensorStatusResponder(SensorRegistry sensors) {
		this.sensors = sensors;
	}

	@MqttSubscribe(id = "status-responder", topics = "sensors/{sensorId}/status/get")
	SensorStatus status(@TopicVariable("sensorId") String sensorId) {
		return this.sensors.status(sensorId);
	}

}
