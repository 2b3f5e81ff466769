package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.EnhancedAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthConnectInput;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthOutput;
import com.hivemq.extension.sdk.api.packets.auth.AuthReasonCode;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttEnhancedAuthenticator;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.DefaultMqttListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5 enhanced authentication with an {@link MqttEnhancedAuthenticator} bean against the
 * embedded HiveMQ broker running an extension that authenticates by challenge and response
 * (client nonce, server nonce, HMAC proofs both ways): the exchange of AUTH packets at
 * connect, a re-authentication on a live connection, a wrong secret and a broker that
 * cannot prove it knows the secret fail visibly with back-off, and the setups that cannot
 * send AUTH packets fail at start-up.
 */
class EnhancedAuthenticationIntegrationTests {

	private static final String METHOD = "TEST-HMAC-SHA256";

	private static final String SECRET = "s3cret-device-key";

	private static final ChallengeResponseExtension extension = new ChallengeResponseExtension(SECRET);

	private static EmbeddedMqttBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = EmbeddedMqttBroker.builder().extension(extension).build();
		broker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.stop();
	}

	@Test
	void connectsThroughTheChallengeAndExchangesMessages() {
		HmacAuthenticator authenticator = new HmacAuthenticator(SECRET);
		int before = extension.successes.get();
		ReliabilityApps.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.fail-fast=true")
			.withBean(MqttEnhancedAuthenticator.class, () -> authenticator)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.isConnected()).isTrue();
				assertThat(extension.successes.get()).isEqualTo(before + 1);
				// CONNECT with the client nonce, AUTH answering the server nonce, CONNACK with
				// the server's proof
				assertThat(authenticator.steps).containsExactly("initial", "challenge", "succeeded:true");
				String topic = ReliabilityApps.unique("auth/enhanced");
				List<String> received = new CopyOnWriteArrayList<>();
				DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(connection, "auth-listener",
						List.of(topic), 1, null,
						(message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
				container.start();
				try {
					await().atMost(Duration.ofSeconds(10))
						.until(() -> container.getSubscriptionResults().stream().allMatch((result) -> result.isGranted()));
					context.getBean(MqttTemplate.class).publish(topic, "hello", 1, false).get(10, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello"));
				}
				finally {
					container.stop();
				}
			});
	}

	@Test
	void reauthenticatesWithoutDroppingTheConnection() {
		HmacAuthenticator authenticator = new HmacAuthenticator(SECRET);
		ReliabilityApps.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.fail-fast=true")
			.withBean(MqttEnhancedAuthenticator.class, () -> authenticator)
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				int reauthentications = extension.reauthentications.get();
				connection.reauthenticate().get(10, TimeUnit.SECONDS);
				assertThat(extension.reauthentications.get()).isEqualTo(reauthentications + 1);
				assertThat(authenticator.steps).containsExactly("initial", "challenge", "succeeded:true",
						"reauthentication", "challenge", "succeeded:true");
				assertThat(connection.isConnected()).isTrue();
				assertThat(connection.getReconnectCount()).isZero();
			});
	}

	@Test
	void reauthenticateWithoutAnAuthenticatorFailsWithTheFix() {
		ReliabilityApps.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.fail-fast=true")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.reauthenticate()).failsWithin(Duration.ofSeconds(1))
					.withThrowableThat()
					.withMessageContaining("define an MqttEnhancedAuthenticator bean");
			});
	}

	@Test
	void wrongSecretFailsVisiblyWithBackOffAndNeverShowsTheSecret() {
		HmacAuthenticator authenticator = new HmacAuthenticator("not-the-" + SECRET);
		ReliabilityApps.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.reconnect-delay=200ms",
					"mqtt.max-reconnect-delay=400ms")
			.withBean(MqttEnhancedAuthenticator.class, () -> authenticator)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> authenticator.initialCalls.size() >= 3);
				assertThat(connection.isConnected()).isFalse();
				assertThat(connection.getLastFailure()).contains("0x87").doesNotContain(SECRET);
				List<Instant> calls = List.copyOf(authenticator.initialCalls);
				assertThat(Duration.between(calls.get(0), calls.get(2))).as("back-off between attempts")
					.isGreaterThanOrEqualTo(Duration.ofMillis(300));
				Health health = context.getBean(MqttHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.toString()).contains("0x87").doesNotContain(SECRET);
			});
	}

	@Test
	void brokerThatCannotProveTheSecretIsRejected() {
		// the client holds the device key but the broker answers with a proof for another one
		HmacAuthenticator authenticator = new HmacAuthenticator(SECRET, "another-" + SECRET);
		ReliabilityApps.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.reconnect-delay=200ms",
					"mqtt.max-reconnect-delay=400ms")
			.withBean(MqttEnhancedAuthenticator.class, () -> authenticator)
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> authenticator.steps.contains("succeeded:false"));
				await().atMost(Duration.ofSeconds(5)).until(() -> connection.getLastFailure() != null);
				assertThat(connection.isConnected()).isFalse();
			});
	}

	@ParameterizedTest
	@CsvSource({ "paho, 5, mqtt.client-library, mqtt.client-library=hivemq",
			"hivemq, 3.1.1, mqtt.version, mqtt.version=5" })
	void setupsWithoutAuthPacketsFailAtStartUp(String library, String version, String property, String fix) {
		ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.version=" + version)
			.withBean(MqttEnhancedAuthenticator.class, () -> new HmacAuthenticator(SECRET))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Property " + property + " ")
					.hasMessageContaining("MQTT 5 enhanced authentication")
					.hasMessageContaining(fix);
			});
	}

	static byte[] hmac(String key, String... parts) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			for (String part : parts) {
				mac.update(part.getBytes(StandardCharsets.UTF_8));
				mac.update((byte) 0);
			}
			return mac.doFinal();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The application side: a client nonce, then the proof HMAC(key, client nonce, server
	 * nonce); the broker's final data must be HMAC(key, "server", client nonce, server
	 * nonce).
	 */
	static final class HmacAuthenticator implements MqttEnhancedAuthenticator {

		final List<String> steps = new CopyOnWriteArrayList<>();

		final List<Instant> initialCalls = new CopyOnWriteArrayList<>();

		private final String key;

		private final String expectedServerKey;

		private volatile String clientNonce = "";

		private volatile String serverNonce = "";

		HmacAuthenticator(String key) {
			this(key, key);
		}

		HmacAuthenticator(String key, String expectedServerKey) {
			this.key = key;
			this.expectedServerKey = expectedServerKey;
		}

		@Override
		public String getMethod() {
			return METHOD;
		}

		@Override
		public byte[] initialData(boolean reauthentication) {
			this.steps.add(reauthentication ? "reauthentication" : "initial");
			this.initialCalls.add(Instant.now());
			this.clientNonce = UUID.randomUUID().toString();
			return this.clientNonce.getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public byte[] challenge(byte @Nullable [] serverData) {
			this.steps.add("challenge");
			this.serverNonce = new String(serverData, StandardCharsets.UTF_8);
			return hmac(this.key, this.clientNonce, this.serverNonce);
		}

		@Override
		public boolean succeeded(byte @Nullable [] serverData, boolean reauthentication) {
			boolean proven = serverData != null && MessageDigest.isEqual(serverData,
					hmac(this.expectedServerKey, "server", this.clientNonce, this.serverNonce));
			this.steps.add("succeeded:" + proven);
			return proven;
		}

	}

	/**
	 * The broker side, a HiveMQ extension: answers the client nonce with a server nonce,
	 * checks the client's proof and sends its own.
	 */
	static final class ChallengeResponseExtension implements ExtensionMain {

		final AtomicInteger successes = new AtomicInteger();

		final AtomicInteger reauthentications = new AtomicInteger();

		private final String key;

		/** Client nonce and server nonce of each client's exchange in progress. */
		private final Map<String, String[]> exchanges = new ConcurrentHashMap<>();

		ChallengeResponseExtension(String key) {
			this.key = key;
		}

		@Override
		public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
			Services.securityRegistry().setEnhancedAuthenticatorProvider((providerInput) -> new Authenticator());
		}

		@Override
		public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
		}

		private final class Authenticator implements EnhancedAuthenticator {

			@Override
			public void onConnect(EnhancedAuthConnectInput input, EnhancedAuthOutput output) {
				var connect = input.getConnectPacket();
				if (connect.getAuthenticationMethod().isEmpty()) {
					// clients without enhanced authentication are let in
					output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
					output.authenticateSuccessfully();
					return;
				}
				if (!connect.getAuthenticationMethod().get().equals(METHOD)) {
					output.failAuthentication("unknown authentication method");
					return;
				}
				start(input.getClientInformation().getClientId(),
						connect.getAuthenticationData().map(ChallengeResponseExtension::text).orElse(""), output);
			}

			@Override
			public void onReAuth(EnhancedAuthInput input, EnhancedAuthOutput output) {
				ChallengeResponseExtension.this.reauthentications.incrementAndGet();
				start(input.getClientInformation().getClientId(),
						input.getAuthPacket().getAuthenticationData().map(ChallengeResponseExtension::text).orElse(""),
						output);
			}

			@Override
			public void onAuth(EnhancedAuthInput input, EnhancedAuthOutput output) {
				String clientId = input.getClientInformation().getClientId();
				String[] exchange = ChallengeResponseExtension.this.exchanges.remove(clientId);
				byte[] proof = input.getAuthPacket().getAuthenticationDataAsArray().orElse(new byte[0]);
				if (exchange == null || input.getAuthPacket().getReasonCode() != AuthReasonCode.CONTINUE_AUTHENTICATION
						|| !MessageDigest.isEqual(proof, hmac(ChallengeResponseExtension.this.key, exchange[0], exchange[1]))) {
					output.failAuthentication();
					return;
				}
				ChallengeResponseExtension.this.successes.incrementAndGet();
				output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
				output.authenticateSuccessfully(hmac(ChallengeResponseExtension.this.key, "server", exchange[0], exchange[1]));
			}

			private void start(String clientId, String clientNonce, EnhancedAuthOutput output) {
				String serverNonce = UUID.randomUUID().toString();
				ChallengeResponseExtension.this.exchanges.put(clientId, new String[] { clientNonce, serverNonce });
				output.continueAuthentication(serverNonce.getBytes(StandardCharsets.UTF_8));
			}

		}

		private static String text(java.nio.ByteBuffer buffer) {
			java.nio.ByteBuffer copy = buffer.duplicate();
			byte[] bytes = new byte[copy.remaining()];
			copy.get(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}

	}

}
