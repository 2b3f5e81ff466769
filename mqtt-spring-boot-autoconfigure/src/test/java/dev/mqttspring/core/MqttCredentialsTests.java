package dev.mqttspring.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MqttCredentials} keep the password to themselves.
 */
class MqttCredentialsTests {

	@Test
	void toStringMasksThePassword() {
		MqttCredentials credentials = MqttCredentials.of("device", "TopSecret-42", Instant.parse("2026-12-05T10:00:00Z"));
		assertThat(credentials.toString()).contains("device").contains("2026-12-05T10:00:00Z").doesNotContain("TopSecret");
		assertThat(credentials.getPassword()).isEqualTo("TopSecret-42".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void passwordIsCopiedInAndOut() {
		byte[] password = { 1, 2, 3 };
		MqttCredentials credentials = MqttCredentials.of("device", password);
		password[0] = 9;
		byte[] returned = credentials.getPassword();
		returned[1] = 9;
		assertThat(credentials.getPassword()).containsExactly(1, 2, 3);
		assertThat(credentials.getExpiresAt()).isNull();
		assertThat(MqttCredentials.of(null, (String) null).getPassword()).isNull();
	}

}
