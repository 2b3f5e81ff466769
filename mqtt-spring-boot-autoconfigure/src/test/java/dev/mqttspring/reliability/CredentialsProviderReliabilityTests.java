package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttCredentials;
import dev.mqttspring.core.MqttCredentialsProvider;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@link MqttCredentialsProvider} bean is asked before every connection attempt, against
 * a mosquitto with a password file, on both client libraries: a password rotated while the
 * broker restarts is picked up by the reconnect; credentials that expire are renewed by a
 * graceful reconnect before they expire, without losing a QoS 1 message and without the
 * Will; a provider that fails shows in health and is asked again with back-off.
 */
class CredentialsProviderReliabilityTests {

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void rotatedPasswordIsFetchedForTheReconnect(String library) {
		try (MosquittoBroker broker = MosquittoBroker.builder().user("device", "pw-1").start()) {
			Provider provider = new Provider("pw-1", null);
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true", "mqtt.username=ignored",
						"mqtt.password=ignored")
				.withBean("deviceCredentials", MqttCredentialsProvider.class, () -> provider)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					assertThat(connection.isConnected()).isTrue();
					assertThat(provider.calls).hasSize(1);
					broker.changePassword("device", "pw-2");
					provider.password.set("pw-2");
					broker.restart();
					ReliabilityApps.awaitConnected(connection, Duration.ofSeconds(15));
					assertThat(connection.getReconnectCount()).isEqualTo(1);
					assertThat(provider.calls).hasSizeGreaterThanOrEqualTo(2);
					assertThat(broker.log()).doesNotContain("pw-1").doesNotContain("pw-2");
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void expiringCredentialsAreRenewedBeforeTheyExpireWithoutLosingMessages(String library) throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().allowAnonymous(true).user("device", "token").start()) {
			String topic = ReliabilityApps.unique("reliability/credentials");
			Provider provider = new Provider("token", Duration.ofSeconds(3));
			List<String> received = new CopyOnWriteArrayList<>();
			List<String> wills = new CopyOnWriteArrayList<>();
			// an independent, anonymous subscriber
			ReliabilityApps.runner(library).withPropertyValues("mqtt.url=" + broker.url()).run((subscriber) -> {
				MqttConnection subscriberConnection = subscriber.getBean(MqttConnection.class);
				DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(subscriberConnection,
						"credentials-listener", List.of(topic, topic + "/will"), 1, null, (message) -> {
							String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
							(message.getTopic().endsWith("/will") ? wills : received).add(payload);
						});
				container.start();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> container.getSubscriptionResults().stream().allMatch((result) -> result.isGranted())
							&& container.getSubscriptionResults().size() == 2);
				try {
					ReliabilityApps.runner(library)
						.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true",
								"mqtt.credentials-renewal-margin=2s", "mqtt.will.topic=" + topic + "/will",
								"mqtt.will.payload=gone")
						.withBean(MqttCredentialsProvider.class, () -> provider)
						.run((context) -> {
							MqttConnection connection = context.getBean(MqttConnection.class);
							MqttTemplate template = context.getBean(MqttTemplate.class);
							List<CompletableFuture<Void>> futures = new ArrayList<>();
							long start = System.nanoTime();
							for (int i = 0; i < 200; i++) {
								futures.add(template.publish(topic, String.valueOf(i), 1, false));
								java.util.concurrent.locks.LockSupport
									.parkNanos(start + TimeUnit.MILLISECONDS.toNanos(20L * (i + 1)) - System.nanoTime());
							}
							CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
							await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 200);
							assertThat(connection.getReconnectCount()).as("renewals in 4 s of 3 s tokens").isPositive();
							assertThat(provider.calls).hasSizeGreaterThanOrEqualTo(2);
							// each renewal asked for fresh credentials before the ones in use expired
							for (int i = 1; i < provider.calls.size(); i++) {
								assertThat(provider.calls.get(i)).isBefore(provider.expiries.get(i - 1));
							}
							assertThat(received).hasSize(200).doesNotHaveDuplicates();
							assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
						});
					await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(wills::isEmpty);
				}
				finally {
					container.stop();
				}
			});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void failingProviderShowsInHealthAndIsAskedAgainWithBackOff(String library) {
		try (MosquittoBroker broker = MosquittoBroker.builder().user("device", "pw").start()) {
			List<Instant> calls = new CopyOnWriteArrayList<>();
			MqttCredentialsProvider failing = () -> {
				calls.add(Instant.now());
				throw new IllegalStateException("token endpoint unavailable");
			};
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.reconnect-delay=200ms", "mqtt.max-reconnect-delay=400ms")
				.withBean(MqttCredentialsProvider.class, () -> failing)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					await().atMost(Duration.ofSeconds(5)).until(() -> calls.size() >= 3);
					assertThat(connection.isConnected()).isFalse();
					assertThat(connection.getLastFailure()).contains("credentials provider")
						.contains("token endpoint unavailable")
						.contains("no attempt to connect");
					Health health = context.getBean(MqttHealthIndicator.class).health(true);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(String.valueOf(health.getDetails().get("error"))).contains("token endpoint unavailable");
					// back-off: at least reconnect-delay between attempts, no hot loop
					for (int i = 1; i < calls.size(); i++) {
						assertThat(Duration.between(calls.get(i - 1), calls.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
					}
				});
		}
	}

	private static final class Provider implements MqttCredentialsProvider {

		final AtomicReference<String> password;

		final Duration lifetime;

		final List<Instant> calls = new CopyOnWriteArrayList<>();

		final List<Instant> expiries = new CopyOnWriteArrayList<>();

		Provider(String password, Duration lifetime) {
			this.password = new AtomicReference<>(password);
			this.lifetime = lifetime;
		}

		@Override
		public MqttCredentials getCredentials() {
			Instant now = Instant.now();
			this.calls.add(now);
			Instant expiresAt = (this.lifetime != null) ? now.plus(this.lifetime) : null;
			this.expiries.add((expiresAt != null) ? expiresAt : Instant.MAX);
			return MqttCredentials.of("device", this.password.get(), expiresAt);
		}

	}

}
