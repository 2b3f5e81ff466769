package dev.mqttspring.health;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttUriSanitizer}.
 */
class MqttUriSanitizerTests {

	@Test
	void masksUserInfo() {
		assertThat(MqttUriSanitizer.sanitize("ssl://user:pa55@broker.example.com:8883"))
			.isEqualTo("ssl://******@broker.example.com:8883");
		assertThat(MqttUriSanitizer.sanitize("wss://token@host/mqtt")).isEqualTo("wss://******@host/mqtt");
	}

	@Test
	void masksEveryUriInAText() {
		assertThat(MqttUriSanitizer.sanitize("Could not connect to tcp://a:b@h1:1883, tcp://c:d@h2:1883: refused"))
			.isEqualTo("Could not connect to tcp://******@h1:1883, tcp://******@h2:1883: refused");
	}

	@Test
	void leavesOtherTextAlone() {
		assertThat(MqttUriSanitizer.sanitize("tcp://127.0.0.1:1883")).isEqualTo("tcp://127.0.0.1:1883");
		assertThat(MqttUriSanitizer.sanitize("mail me at a@b.c")).isEqualTo("mail me at a@b.c");
		assertThat(MqttUriSanitizer.sanitize((String) null)).isNull();
		assertThat(MqttUriSanitizer.sanitize(List.of("tcp://x:y@h:1", "tcp://h:2"))).containsExactly("tcp://******@h:1",
				"tcp://h:2");
	}

}
