package dev.mqttspring.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The latest reading of each sensor, as seen by the {@link TemperatureMonitor}.
 *
 * @author mqtt-spring-boot
 */
@Component
class SensorRegistry {

	private final Map<String, SensorStatus> statuses = new ConcurrentHashMap<>();

	void update(Reading reading, boolean alerting) {
		this.statuses.put(reading.sensorId(),
				new SensorStatus(reading.sensorId(), true, reading.celsius(), reading.timestamp(), alerting));
	}

	SensorStatus status(String sensorId) {
		return this.statuses.getOrDefault(sensorId, SensorStatus.unknown(sensorId));
	}

}
