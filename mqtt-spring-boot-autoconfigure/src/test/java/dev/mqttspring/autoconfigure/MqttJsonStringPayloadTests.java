package dev.mqttspring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JSON published as a String (content type text/plain) still converts to a record in a
 * listener, as it does from byte[] or without a content type.
 */
class MqttJsonStringPayloadTests {

	private static final String TOPIC = "json-string/" + UUID.randomUUID();

	@Test
	void jsonSentAsStringConvertsToARecord() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withUserConfiguration(Listeners.class)
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "test.topic=" + TOPIC)
			.run((context) -> {
				context.getBean(MqttTemplate.class)
					.publish(TOPIC, "{\"sensorId\":\"s1\",\"celsius\":21.5}")
					.get(10, TimeUnit.SECONDS);
				Listeners listeners = context.getBean(Listeners.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> listeners.readings.size() == 1);
				assertThat(listeners.readings).containsExactly(new Reading("s1", 21.5));
			});
	}

	record Reading(String sensorId, double celsius) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<Reading> readings = new CopyOnWriteArrayList<>();

		@MqttSubscribe("${test.topic}")
		void onReading(Reading reading) {
			this.readings.add(reading);
		}

		@Bean
		String marker() {
			return "marker";
		}

	}

}
