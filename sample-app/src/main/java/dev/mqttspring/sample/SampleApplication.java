package dev.mqttspring.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Temperature sensor sample built on mqtt-spring-boot-starter: simulated sensors publish
 * readings, a monitor raises alerts above a threshold, an archiver shares its
 * subscription with other instances, and the latest status of a sensor is available
 * through MQTT 5 request-reply.
 *
 * @author mqtt-spring-boot
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
