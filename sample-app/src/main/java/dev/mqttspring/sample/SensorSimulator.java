package dev.mqttspring.sample;

import java.time.Instant;
import java.util.random.RandomGenerator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.mqttspring.core.MqttTemplate;

/**
 * Plays a few temperature sensors: each interval, every sensor publishes a reading to
 * {@code sensors/{id}/temperature}. Now and then a sensor heats up for a few seconds, so
 * that alerts show up. Disabled with {@code sample.simulator.enabled=false}.
 *
 * @author mqtt-spring-boot
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.simulator.enabled", matchIfMissing = true)
class SensorSimulator {

	private static final Log logger = LogFactory.getLog(SensorSimulator.class);

	/** Chance per reading that a sensor starts heating up. */
	private static final double HEAT_UP_CHANCE = 1.0 / 60;

	private final MqttTemplate mqtt;

	private final RandomGenerator random = RandomGenerator.getDefault();

	private final double[] baseline;

	private final double[] excess;

	SensorSimulator(MqttTemplate mqtt, SampleProperties properties) {
		this.mqtt = mqtt;
		int sensors = properties.simulator().sensors();
		this.baseline = new double[sensors];
		this.excess = new double[sensors];
		for (int i = 0; i < sensors; i++) {
			this.baseline[i] = 20 + 2 * i;
		}
		logger.info("Simulating " + sensors + " sensors, one reading each every "
				+ properties.simulator().interval().toMillis() + " ms");
	}

	// Runs on the scheduler thread; the futures report failures without blocking it.
	@Scheduled(fixedRateString = "${sample.simulator.interval:1s}")
	void publishReadings() {
		Instant now = Instant.now();
		for (int i = 0; i < this.baseline.length; i++) {
			String sensorId = String.valueOf(i + 1);
			Reading reading = new Reading(sensorId, nextTemperature(i), now);
			this.mqtt.publish("sensors/" + sensorId + "/temperature", reading).whenComplete((result, ex) -> {
				if (ex != null) {
					logger.warn("Sensor " + sensorId + " could not publish its reading: " + ex.getMessage());
				}
			});
		}
	}

	private double nextTemperature(int sensor) {
		if (this.excess[sensor] < 0.5 && this.random.nextDouble() < HEAT_UP_CHANCE) {
			this.excess[sensor] = 10 + 4 * this.random.nextDouble();
		}
		else {
			this.excess[sensor] *= 0.8;
		}
		double celsius = this.baseline[sensor] + this.excess[sensor] + this.random.nextGaussian(0, 0.3);
		return Math.round(celsius * 10) / 10.0;
	}

}
