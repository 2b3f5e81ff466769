package dev.mqttspring.sample;

import java.time.Instant;

/**
 * A temperature reading, published as JSON to {@code sensors/{sensorId}/temperature}.
 *
 * @param sensorId the sensor id
 * @param celsius the temperature in °C
 * @param timestamp when the sensor measured it
 */
public record Reading(String sensorId, double celsius, Instant timestamp) {

}
