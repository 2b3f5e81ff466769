package dev.mqttspring.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.core.MqttTemplate;

/**
 * Watches every sensor's readings, remembers the latest one and publishes an
 * {@link Alert} to {@code alerts/{sensorId}} when a reading exceeds
 * {@code sample.alert-threshold}: a bridge from the edge broker (the default connection,
 * {@code mqtt.*}), where the readings arrive, to the {@code cloud} connection
 * ({@code mqtt.connections.cloud.*}), where the alerts go.
 *
 * @author mqtt-spring-boot
 */
@Component
class TemperatureMonitor {

	private static final Log logger = LogFactory.getLog(TemperatureMonitor.class);

	private final MqttTemplate mqtt;

	private final SensorRegistry sensors;

	private final double threshold;

	TemperatureMonitor(@Qualifier("cloud") MqttTemplate cloud, SensorRegistry sensors, SampleProperties properties) {
		this.mqtt = cloud;
		this.sensors = sensors;
		this.threshold = properties.alertThreshold();
	}

	@MqttSubscribe(id = "temperature-monitor", topics = "sensors/{sensorId}/temperature")
	void onReading(Reading reading, @TopicVariable("sensorId") String sensorId) {
		// the topic names the sensor; the payload could claim any id
		Reading checked = reading.sensorId().equals(sensorId) ? reading
				: new Reading(sensorId, reading.celsius(), reading.timestamp());
		boolean alerting = checked.celsius() > this.threshold;
		this.sensors.update(checked, alerting);
		if (alerting) {
			logger.info("ALERT sensor " + sensorId + " at " + checked.celsius() + " °C (threshold " + this.threshold
					+ " °C) -> alerts/" + sensorId + " (cloud)");
			// join(): the reading is acknowledged only once the broker has the alert; a failed
			// publish fails this invocation and goes through the listener's error handling
			this.mqtt.publish("alerts/" + sensorId, new Alert(sensorId, checked.celsius(), this.threshold,
					checked.timestamp())).join();
		}
	}

}
