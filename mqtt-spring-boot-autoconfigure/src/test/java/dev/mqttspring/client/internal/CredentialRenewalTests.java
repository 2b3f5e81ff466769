package dev.mqttspring.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CredentialRenewal}.
 */
class CredentialRenewalTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final List<Instant> renewed = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutDown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void credentialsThatDoNotExpireAreNotRenewed() {
		this.settings.setUsername("user");
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		credentials.fetch();
		CredentialRenewal renewal = new CredentialRenewal(credentials);
		renewal.schedule(this.scheduler, this.renewed::add);
		assertThat(renewal.isScheduled()).isFalse();
	}

	@Test
	void credentialsThatExpireAreRenewedBeforeWithTheirExpiry() {
		Instant expiresAt = Instant.now().plusSeconds(1);
		this.settings.setCredentialsProvider(() -> MqttCredentials.of("user", "secret", expiresAt));
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		credentials.fetch();
		CredentialRenewal renewal = new CredentialRenewal(credentials);
		renewal.schedule(this.scheduler, this.renewed::add);
		assertThat(renewal.isScheduled()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.renewed.isEmpty());
		assertThat(this.renewed).containsExactly(expiresAt);
	}

	@Test
	void cancelledRenewalDoesNotRun() throws Exception {
		this.settings.setCredentialsProvider(() -> MqttCredentials.of("user", "secret", Instant.now()));
		ConnectCredentials credentials = new ConnectCredentials(this.settings);
		credentials.fetch();
		CredentialRenewal renewal = new CredentialRenewal(credentials);
		renewal.schedule(this.scheduler, this.renewed::add);
		renewal.cancel();
		assertThat(renewal.isScheduled()).isFalse();
		// the earliest renewal is a second on: let it pass
		this.scheduler.schedule(() -> {
		}, 1500, java.util.concurrent.TimeUnit.MILLISECONDS).get();
		assertThat(this.renewed).isEmpty();
	}

}
