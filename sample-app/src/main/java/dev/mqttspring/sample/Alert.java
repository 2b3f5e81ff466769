package dev.mqttspring.sample;

import java.time.Instant;

/**
 * An alert, published as JSON to {@code alerts/{sensorId}} when a reading exceeds the
 * threshold.
 *
 * @param sensorId the sensor id
 * @param celsius the temperature in °C
 * @param threshold the threshold it exceeded
 * @param timestamp when the sensor measured it
 */
public record Alert(String sensorId, double celsius, double threshold, Instant timestamp) {

}
