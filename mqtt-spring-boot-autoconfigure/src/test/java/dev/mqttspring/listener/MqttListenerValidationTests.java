package dev.mqttspring.listener;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Payload;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Valid} payloads are validated with the application's validator: an invalid one
 * goes to the error handler, a valid one to the method.
 */
class MqttListenerValidationTests {

	private static final String TOPIC = "validation/" + UUID.randomUUID();

	@Test
	void invalidPayloadGoesToTheErrorHandlerAndValidOneIsProcessed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class, MqttAutoConfiguration.class))
			.withUserConfiguration(ValidatingListener.class, ErrorHandlerConfiguration.class)
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "test.topic=" + TOPIC)
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				template.publish(TOPIC, "{\"sensorId\":\"\",\"celsius\":-5}".getBytes()).get(10, TimeUnit.SECONDS);
				template.publish(TOPIC, "{\"sensorId\":\"s1\",\"celsius\":20}".getBytes()).get(10, TimeUnit.SECONDS);
				ValidatingListener listener = context.getBean(ValidatingListener.class);
				ErrorHandlerConfiguration errors = context.getBean(ErrorHandlerConfiguration.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> listener.readings.size() == 1 && errors.failures.size() == 1);
				assertThat(listener.readings).containsExactly(new Reading("s1", 20));
				assertThat(errors.failures.get(0)).contains("sensorId").contains("celsius");
			});
	}

	record Reading(@NotBlank String sensorId, @PositiveOrZero double celsius) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ValidatingListener {

		final List<Reading> readings = new CopyOnWriteArrayList<>();

		@MqttSubscribe(topics = "${test.topic}", errorHandler = "validationErrors")
		void onReading(@Valid @Payload Reading reading) {
			this.readings.add(reading);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ErrorHandlerConfiguration {

		final List<String> failures = new CopyOnWriteArrayList<>();

		@Bean
		MqttListenerErrorHandler validationErrors() {
			return (message, exception) -> {
				Throwable cause = exception;
				StringBuilder text = new StringBuilder();
				while (cause != null) {
					text.append(cause.getMessage()).append(" | ");
					cause = (cause.getCause() != cause) ? cause.getCause() : null;
				}
				this.failures.add(text.toString());
			};
		}

	}

}
