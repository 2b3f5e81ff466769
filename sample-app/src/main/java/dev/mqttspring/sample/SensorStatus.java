package dev.mqttspring.sample;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The latest known state of a sensor, the reply to {@code sensors/{sensorId}/status/get}.
 *
 * @param sensorId the sensor id
 * @param known whether a reading of the sensor was seen
 * @param celsius the latest temperature in °C, or {@code null}
 * @param lastSeen when the latest reading was measured, or {@code null}
 * @param alerting whether the latest reading is above the threshold
 */
public record SensorStatus(String sensorId, boolean known, @Nullable Double celsius, @Nullable Instant lastSeen,
		boolean alerting) {

	static SensorStatus unknown(String sensorId) {
		return new SensorStatus(sensorId, false, null, null, false);
	}

}
