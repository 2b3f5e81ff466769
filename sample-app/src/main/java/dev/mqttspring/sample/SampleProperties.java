package dev.mqttspring.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample, bound to {@code sample.*}.
 *
 * @param alertThreshold temperature in °C above which a reading raises an alert
 * @param simulator the sensor simulator
 * @author mqtt-spring-boot
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("30.0") double alertThreshold, @DefaultValue Simulator simulator) {

	/**
	 * Settings of the sensor simulator.
	 *
	 * @param enabled whether simulated sensors publish readings
	 * @param sensors how many sensors to simulate (ids 1 to n)
	 * @param interval time between two readings of a sensor
	 */
	public record Simulator(@DefaultValue("true") boolean enabled, @DefaultValue("3") int sensors,
			@DefaultValue("1s") Duration interval) {

	}

}
