package dev.mqttspring.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic matching against the examples of the MQTT specification (section 4.7).
 */
class MqttTopicsMatchingTests {

	@ParameterizedTest(name = "{0} ~ {1} = {2}")
	@CsvSource(delimiter = '|', value = { "sport/tennis/player1/#|sport/tennis/player1|true",
			"sport/tennis/player1/#|sport/tennis/player1/ranking|true",
			"sport/tennis/player1/#|sport/tennis/player1/score/wimbledon|true", "sport/#|sport|true",
			"sport/tennis/+|sport/tennis/player1|true", "sport/tennis/+|sport/tennis/player1/ranking|false",
			"sport/+|sport|false", "sport/+|sport/|true", "+/+|/finance|true", "/+|/finance|true", "+|/finance|false",
			"#|$SYS/uptime|false", "+/monitor/Clients|$SYS/monitor/Clients|false", "$SYS/#|$SYS/uptime|true",
			"$SYS/monitor/+|$SYS/monitor/Clients|true", "+//|c//|true", "a/b|a/b/|false", "a/b/|a/b|false",
			"$share/g/sensors/+|sensors/1|true", "#|a|true", "a/#|a|true", "a/+/c|a//c|true" })
	void matchesLikeTheSpecification(String filter, String topic, boolean expected) {
		assertThat(MqttTopics.matches(filter, topic)).isEqualTo(expected);
	}

}
