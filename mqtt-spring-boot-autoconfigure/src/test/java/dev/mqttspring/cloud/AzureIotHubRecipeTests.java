package dev.mqttspring.cloud;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttCredentials;
import dev.mqttspring.core.MqttCredentialsProvider;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.listener.DefaultMqttListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Azure IoT Hub recipe of the guide against the embedded broker set up like IoT Hub:
 * an extension that checks the user name and the SAS token (signature with the device key,
 * expiry) and disconnects a device when its token expires, and QoS 1 at most. The device
 * connects with MQTT 3.1.1 and its device id as client id, sends QoS 1 messages to
 * {@code devices/<id>/messages/events/} across several token renewals without losing one
 * and without being disconnected, receives on {@code devices/<id>/messages/devicebound/#},
 * and a QoS 2 publish fails or is downgraded as {@code mqtt.template.qos-exceeded} says.
 */
class AzureIotHubRecipeTests {

	private static final String HUB = "my-hub.azure-devices.net";

	private static final String DEVICE = "device-1";

	private static final String DEVICE_KEY = Base64.getEncoder()
		.encodeToString("the-device-primary-key-32-bytes!".getBytes(StandardCharsets.UTF_8));

	private static final String SERVICE_PASSWORD = "service-secret";

	private static final IotHubExtension hub = new IotHubExtension(HUB, Map.of(DEVICE, DEVICE_KEY));

	private static EmbeddedMqttBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = EmbeddedMqttBroker.builder().maxQos(1).extension(hub).build();
		broker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.stop();
	}

	private static ApplicationContextRunner device(String library, MqttCredentialsProvider credentials) {
		return CloudRecipes.runner(library)
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.client-id=" + DEVICE, "mqtt.version=3.1.1",
					"mqtt.max-qos=1", "mqtt.credentials-renewal-margin=1s")
			.withBean(MqttCredentialsProvider.class, () -> credentials);
	}

	/**
	 * The back end: reads the device's events and sends it cloud-to-device messages.
	 */
	private static ApplicationContextRunner service() {
		return CloudRecipes.runner("hivemq")
			.withPropertyValues("mqtt.url=" + broker.getUrl(), "mqtt.username=service",
					"mqtt.password=" + SERVICE_PASSWORD, "mqtt.fail-fast=true");
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void sasTokensAreRenewedBeforeTheyExpireWithoutLosingAMessage(String library) {
		String events = "devices/" + DEVICE + "/messages/events/";
		List<String> received = new CopyOnWriteArrayList<>();
		service().run((service) -> {
			MqttConnection serviceConnection = service.getBean(MqttConnection.class);
			DefaultMqttListenerContainer eventReader = CloudRecipes.listen(serviceConnection, List.of(events + "#"),
					received::add);
			int accepted = hub.accepted.get();
			int expired = hub.expiredDisconnects.get();
			try {
				device(library, new AzureIotHubCredentials(HUB, DEVICE, DEVICE_KEY, Duration.ofSeconds(3)))
					.withPropertyValues("mqtt.fail-fast=true")
					.run((context) -> {
						assertThat(context).hasNotFailed();
						MqttConnection connection = context.getBean(MqttConnection.class);
						MqttTemplate template = context.getBean(MqttTemplate.class);
						// cloud-to-device
						List<String> commands = new CopyOnWriteArrayList<>();
						DefaultMqttListenerContainer commandListener = CloudRecipes.listen(connection,
								List.of("devices/" + DEVICE + "/messages/devicebound/#"), commands::add);
						try {
							service.getBean(MqttTemplate.class)
								.publish("devices/" + DEVICE + "/messages/devicebound/%24.mid=1", "reboot", 1, false)
								.get(10, TimeUnit.SECONDS);
							await().atMost(Duration.ofSeconds(10)).until(() -> commands.contains("reboot"));
						}
						finally {
							commandListener.stop();
						}
						// device-to-cloud, 140 QoS 1 messages in 3.5 s of 3 s tokens
						List<CompletableFuture<Void>> futures = new ArrayList<>();
						long start = System.nanoTime();
						for (int i = 0; i < 140; i++) {
							futures.add(template.publish(events, String.valueOf(i), 1, false));
							LockSupport.parkNanos(start + TimeUnit.MILLISECONDS.toNanos(25L * (i + 1)) - System.nanoTime());
						}
						CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 140);
						assertThat(received).hasSize(140).doesNotHaveDuplicates();
						assertThat(connection.getReconnectCount()).as("token renewals").isPositive();
						// a renewal may be under way (every ~2 s): read the counters when the connection is up
						await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
							assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
							assertThat(hub.accepted.get() - accepted).as("connects with a valid SAS token")
								.isEqualTo((int) connection.getReconnectCount() + 1);
						});
						assertThat(hub.expiredDisconnects.get()).as("disconnected by the hub for an expired token")
							.isEqualTo(expired);
						// no QoS 2: refused before sending, or downgraded when asked to
						assertThatThrownBy(() -> template.publish(events, "exactly-once", 2, false).get(10, TimeUnit.SECONDS))
							.hasStackTraceContaining("exceeds the maximum QoS 1 (mqtt.max-qos=1)");
						template.setQosExceeded(MqttTemplate.QosExceeded.DOWNGRADE);
						template.publish(events, "downgraded", 2, false).get(10, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("downgraded"));
						assertThat(received).doesNotContain("exactly-once");
					});
			}
			finally {
				eventReader.stop();
			}
		});
	}

	@Test
	void tokenWithoutItsExpiryIsNotRenewedAndTheHubDisconnectsTheDevice() {
		// the same token, but the provider does not tell the connection when it expires
		AzureIotHubCredentials withExpiry = new AzureIotHubCredentials(HUB, DEVICE, DEVICE_KEY, Duration.ofSeconds(2));
		AtomicInteger calls = new AtomicInteger();
		MqttCredentialsProvider withoutExpiry = () -> {
			calls.incrementAndGet();
			MqttCredentials credentials = withExpiry.getCredentials();
			return MqttCredentials.of(credentials.getUsername(), credentials.getPassword());
		};
		int expired = hub.expiredDisconnects.get();
		device("hivemq", withoutExpiry).withPropertyValues("mqtt.fail-fast=true").run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> hub.expiredDisconnects.get() > expired);
			// the next attempt asks the provider for a fresh token
			await().atMost(Duration.ofSeconds(10)).until(() -> connection.getReconnectCount() >= 1 && connection.isConnected());
			assertThat(calls.get()).isGreaterThanOrEqualTo(2);
		});
	}

	@Test
	void wrongDeviceKeyIsRefused() {
		String otherKey = Base64.getEncoder().encodeToString("another-key-of-thirty-two-bytes!".getBytes(StandardCharsets.UTF_8));
		int refused = hub.refused.get();
		device("hivemq", new AzureIotHubCredentials(HUB, DEVICE, otherKey, Duration.ofMinutes(5))).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> connection.getLastFailure() != null);
			assertThat(connection.isConnected()).isFalse();
			assertThat(hub.refused.get()).isGreaterThan(refused);
			assertThat(connection.getLastFailure()).doesNotContain("SharedAccessSignature");
		});
	}

	@Test
	void guideShowsTheCredentialsClassesAsTheTestUsesThem() throws Exception {
		String guide = Files.readString(Path.of("..", "docs", "guide.md"));
		for (String name : List.of("AzureSasToken", "AzureIotHubCredentials")) {
			String source = Files.readString(Path.of("src", "test", "java", "dev", "mqttspring", "cloud", name + ".java"));
			String shown = source.substring(source.indexOf('\n') + 1).strip().replace("\t", "    ");
			assertThat(guide).as("docs/guide.md shows " + name + ".java as is (tabs as 4 spaces, without the package line)")
				.contains(shown);
		}
	}

	/**
	 * The hub's side, a HiveMQ extension: lets in a device whose user name is
	 * {@code <hub>/<device>/?api-version=...} and whose password is a SAS token for
	 * {@code <hub>/devices/<device>} signed with the device key and not expired, and
	 * disconnects it when that token expires (unless it connected again with a newer one
	 * meanwhile); the back end logs in with a password.
	 */
	static final class IotHubExtension implements ExtensionMain {

		final AtomicInteger accepted = new AtomicInteger();

		final AtomicInteger refused = new AtomicInteger();

		final AtomicInteger expiredDisconnects = new AtomicInteger();

		private final String hubHost;

		private final Map<String, String> deviceKeys;

		/** Expiry (epoch seconds) of the token of each device's current connection. */
		private final Map<String, Long> expiries = new ConcurrentHashMap<>();

		IotHubExtension(String hubHost, Map<String, String> deviceKeys) {
			this.hubHost = hubHost;
			this.deviceKeys = deviceKeys;
		}

		@Override
		public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
			SimpleAuthenticator authenticator = this::authenticate;
			Services.securityRegistry().setAuthenticatorProvider((providerInput) -> authenticator);
		}

		@Override
		public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
		}

		private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
			String clientId = input.getClientInformation().getClientId();
			String username = input.getConnectPacket().getUserName().orElse("");
			String password = input.getConnectPacket().getPassword().map(IotHubExtension::text).orElse("");
			if ("service".equals(username) && SERVICE_PASSWORD.equals(password)) {
				allow(output);
				return;
			}
			String key = this.deviceKeys.get(clientId);
			Long expiry = (key != null && username.equals(this.hubHost + "/" + clientId + "/?api-version=2021-04-12"))
					? verify(password, this.hubHost + "/devices/" + clientId, key) : null;
			if (expiry == null) {
				this.refused.incrementAndGet();
				output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "invalid or expired SAS token");
				return;
			}
			this.accepted.incrementAndGet();
			this.expiries.put(clientId, expiry);
			long delay = expiry * 1000 - System.currentTimeMillis();
			Services.extensionExecutorService().schedule(() -> {
				if (Objects.equals(this.expiries.get(clientId), expiry)) {
					Services.clientService().disconnectClient(clientId).thenAccept((disconnected) -> {
						if (disconnected) {
							this.expiredDisconnects.incrementAndGet();
						}
					});
				}
			}, delay, TimeUnit.MILLISECONDS);
			allow(output);
		}

		private static void allow(SimpleAuthOutput output) {
			output.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
			output.authenticateSuccessfully();
		}

		/**
		 * Return the token's expiry in epoch seconds if it is for the resource, signed with
		 * the key and not expired, otherwise {@code null}.
		 */
		private static Long verify(String token, String resource, String key) {
			String prefix = "SharedAccessSignature ";
			if (!token.startsWith(prefix)) {
				return null;
			}
			Map<String, String> fields = new HashMap<>();
			for (String field : token.substring(prefix.length()).split("&")) {
				int equals = field.indexOf('=');
				if (equals > 0) {
					fields.put(field.substring(0, equals), field.substring(equals + 1));
				}
			}
			String sr = fields.get("sr");
			String sig = fields.get("sig");
			String se = fields.get("se");
			if (sr == null || sig == null || se == null || !URLDecoder.decode(sr, StandardCharsets.UTF_8).equals(resource)) {
				return null;
			}
			long expiry = Long.parseLong(se);
			if (expiry * 1000 <= System.currentTimeMillis()) {
				return null;
			}
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
				byte[] expected = mac.doFinal((URLEncoder.encode(resource, StandardCharsets.UTF_8) + "\n" + se)
					.getBytes(StandardCharsets.UTF_8));
				byte[] actual = Base64.getDecoder().decode(URLDecoder.decode(sig, StandardCharsets.UTF_8));
				return MessageDigest.isEqual(expected, actual) ? expiry : null;
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				return null;
			}
		}

		private static String text(ByteBuffer buffer) {
			ByteBuffer copy = buffer.duplicate();
			byte[] bytes = new byte[copy.remaining()];
			copy.get(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}

	}

}
