package dev.mqttspring.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The message expiry is carried in whole seconds: a sub-second or fractional duration is
 * refused instead of being sent as a truncated value.
 */
class MqttMessageBuilderExpiryTests {

	@Test
	void wholeSecondsAreKept() {
		assertThat(MqttMessageBuilder.withPayload("x").topic("a").messageExpiry(Duration.ofMinutes(5)).build().getHeaders())
			.containsEntry(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 300L);
		assertThat(MqttMessageBuilder.withPayload("x").topic("a").messageExpiry(Duration.ZERO).build().getHeaders())
			.containsEntry(MqttHeaders.MESSAGE_EXPIRY_INTERVAL, 0L);
	}

	@ParameterizedTest
	@ValueSource(longs = { 500, 1500, -1000 })
	void otherDurationsAreRefused(long millis) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MqttMessageBuilder.withPayload("x").topic("a").messageExpiry(Duration.ofMillis(millis)))
			.withMessageContaining("whole number of seconds")
			.withMessageContaining("Duration.ofSeconds(30)");
	}

}
