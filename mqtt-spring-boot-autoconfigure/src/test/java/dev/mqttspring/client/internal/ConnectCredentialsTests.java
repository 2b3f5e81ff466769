package dev.mqttspring.client.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttCredentials;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectCredentials}.
 */
class ConnectCredentialsTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	@Test
	void withoutAProviderTheSettingsCredentialsAreUsed() {
		this.settings.setUsername("user");
		this.settings.setPassword("pässword".toCharArray());
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		assertThat(credentials.fetch()).isNull();
		assertThat(credentials.username()).isEqualTo("user");
		assertThat(credentials.password()).isEqualTo("pässword".getBytes(StandardCharsets.UTF_8));
		assertThat(credentials.expiresAt()).isNull();
	}

	@Test
	void theProviderIsAskedBeforeEveryAttempt() {
		AtomicInteger calls = new AtomicInteger();
		this.settings.setUsername("ignored");
		this.settings.setCredentialsProvider(() -> MqttCredentials.of("user-" + calls.incrementAndGet(), "secret"));
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		assertThat(credentials.fetch()).isNull();
		assertThat(credentials.username()).isEqualTo("user-1");
		assertThat(credentials.fetch()).isNull();
		assertThat(credentials.username()).isEqualTo("user-2");
		assertThat(credentials.password()).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void providerThatReturnsNothingOrThrowsStopsTheAttempt() {
		this.settings.setClientId("creds");
		this.settings.setServerUris(List.of("tcp://a:1883", "tcp://b:1883"));
		this.settings.setCredentialsProvider(() -> null);
		MqttConnectException none = new ConnectCredentials(this.settings).fetch();
		assertThat(none).isInstanceOf(ConnectCredentials.Failure.class)
			.hasMessageContaining("of client 'creds'")
			.hasMessageContaining("returned no credentials; no attempt to connect to tcp://a:1883, tcp://b:1883 was made");
		this.settings.setCredentialsProvider(() -> {
			throw new IllegalStateException("vault down");
		});
		MqttConnectException thrown = new ConnectCredentials(this.settings).fetch();
		assertThat(thrown).hasMessageContaining("failed: java.lang.IllegalStateException: vault down")
			.hasCauseInstanceOf(IllegalStateException.class);
		assertThat(thrown.getReasonCode()).isEqualTo(-1);
	}

	@Test
	void renewalIsTheMarginBeforeExpiryAtTheLatestHalfwayAndAtLeastASecond() {
		this.settings.setCredentialsRenewalMargin(Duration.ofMinutes(5));
		Instant expiresAt = Instant.parse("2030-01-01T01:00:00Z");
		this.settings.setCredentialsProvider(() -> MqttCredentials.of("user", "secret", expiresAt));
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		credentials.fetch();
		assertThat(credentials.expiresAt()).isEqualTo(expiresAt);
		Instant now = Instant.parse("2030-01-01T00:00:00Z");
		assertThat(credentials.renewalDelayMillis(expiresAt, now)).isEqualTo(Duration.ofMinutes(55).toMillis());
		Instant late = Instant.parse("2030-01-01T00:56:00Z");
		assertThat(credentials.renewalDelayMillis(expiresAt, late)).isEqualTo(Duration.ofMinutes(2).toMillis());
		assertThat(credentials.renewalDelayMillis(expiresAt, expiresAt)).isEqualTo(1000);
	}

}
