package dev.mqttspring.reliability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.bridge.SLF4JBridgeHandler;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.actuate.MqttEndpoint;
import dev.mqttspring.autoconfigure.actuate.MqttEndpointAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Security: wrong credentials fail clearly and back off, the password appears nowhere
 * (logs at TRACE, exceptions, Actuator output), TLS refuses untrusted CAs and wrong host
 * names, mutual TLS works, and ACL refusals are reported with their reason.
 */
class SecurityReliabilityTests {

	private static final String PASSWORD = "S3cr3t-Pa55w0rd-4711";

	private static final String WRONG_PASSWORD = "Wr0ng-Pa55w0rd-0815";

	@TempDir
	static Path directory;

	private static MosquittoBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = MosquittoBroker.builder()
			.user("alice", PASSWORD)
			.acl("user alice\ntopic readwrite allowed/#\ntopic read readonly/#\n")
			.start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void wrongPasswordFailsClearlyBacksOffAndNeverShowsThePassword(String library) {
		boolean julBridge = SLF4JBridgeHandler.isInstalled();
		if (!julBridge) {
			SLF4JBridgeHandler.removeHandlersForRootLogger();
			SLF4JBridgeHandler.install();
		}
		java.util.logging.Logger paho = java.util.logging.Logger.getLogger("org.eclipse.paho");
		java.util.logging.Level pahoLevel = paho.getLevel();
		paho.setLevel(java.util.logging.Level.ALL);
		Duration window = Duration.ofSeconds(5);
		Duration maxDelay = Duration.ofSeconds(1);
		try (LogCapture logs = LogCapture.start(Level.TRACE, "dev.mqttspring", "org.eclipse.paho", "com.hivemq")) {
			List<Throwable> exceptions = new ArrayList<>();
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + WRONG_PASSWORD,
						"mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=" + maxDelay.toMillis() + "ms")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					MqttHealthIndicator health = context.getBean(MqttHealthIndicator.class);
					AtomicLong attempts = new AtomicLong();
					connection.addConnectionListener(new MqttConnectionListener() {

						@Override
						public void connectionLost(String cause, int reasonCode) {
							attempts.incrementAndGet();
						}

					});
					long start = System.nanoTime();
					await().atMost(window.plusSeconds(1)).until(() -> ReliabilityApps.since(start).compareTo(window) >= 0);
					long counted = attempts.get();
					Health down = health.health(true);
					try {
						context.getBean(MqttTemplate.class).publish("allowed/x", "payload", 1, false).get(2, TimeUnit.SECONDS);
					}
					catch (ExecutionException ex) {
						exceptions.add(ex.getCause());
					}
					catch (java.util.concurrent.TimeoutException ex) {
						// buffered while disconnected
					}
					long bound = window.toMillis() / (maxDelay.toMillis() * 8 / 10) + 2;
					ReliabilityReport.scenario(library, "Wrong password")
						.detect(Duration.ZERO)
						.note(counted + " connection attempts in " + ReliabilityReport.format(window) + " (bound " + bound
								+ ", max-reconnect-delay " + ReliabilityReport.format(maxDelay) + ")")
						.note("health " + down.getStatus() + ": " + down.getDetails().get("error"))
						.write();
					assertThat(connection.getState()).isNotEqualTo(MqttConnectionState.CONNECTED);
					assertThat(connection.getLastFailure()).containsPattern("(?i)user name or password|not authorized")
						.contains("mqtt.password");
					assertThat(down.getStatus()).isEqualTo(Status.DOWN);
					assertThat(counted).as("connection attempts (no hot loop)").isBetween(2L, bound);
					String text = logs.text() + down + String.valueOf(down.getDetails()) + connection.getLastFailure()
							+ connection;
					assertThat(text).doesNotContain(WRONG_PASSWORD);
				});
			for (Throwable ex : exceptions) {
				assertThat(stackTrace(ex)).doesNotContain(WRONG_PASSWORD);
			}
			ApplicationContextRunner failFast = ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + WRONG_PASSWORD,
						"mqtt.fail-fast=true");
			failFast.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(stackTrace(context.getStartupFailure())).doesNotContain(WRONG_PASSWORD)
					.containsPattern("(?i)user name or password|not authorized");
			});
			assertThat(logs.events()).isNotEmpty();
			assertThat(logs.text()).doesNotContain(WRONG_PASSWORD);
		}
		finally {
			paho.setLevel(pahoLevel);
			if (!julBridge) {
				SLF4JBridgeHandler.uninstall();
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void passwordIsNotShownByActuator(String library) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(dev.mqttspring.autoconfigure.MqttAutoConfiguration.class,
					dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration.class,
					MqttEndpointAutoConfiguration.class, EndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withPropertyValues("mqtt.client-library=" + library,
					"mqtt.url=tcp://alice:" + PASSWORD + "@127.0.0.1:" + broker.port(),
					"mqtt.username=alice", "mqtt.password=" + PASSWORD, "mqtt.fail-fast=false",
					"management.endpoints.web.exposure.include=*", "management.endpoints.jmx.exposure.include=*")
			.run((context) -> {
				String env = json(context.getBean(EnvironmentEndpoint.class).environment(null));
				String configprops = json(context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
				String health = json(context.getBean(MqttHealthIndicator.class).health(true));
				String mqtt = json(context.getBean(MqttEndpoint.class).mqtt());
				boolean leaks = env.contains(PASSWORD) || configprops.contains(PASSWORD) || health.contains(PASSWORD)
						|| mqtt.contains(PASSWORD);
				ReliabilityReport.scenario(library, "Password in Actuator env/configprops/health/mqtt (defaults)")
					.note("password (also as URL user info) found: " + leaks)
					.write();
				assertThat(env).as("env").doesNotContain(PASSWORD);
				assertThat(configprops).as("configprops").doesNotContain(PASSWORD);
				assertThat(health).as("health").doesNotContain(PASSWORD);
				assertThat(mqtt).as("mqtt endpoint").doesNotContain(PASSWORD);
			});
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@MethodSource("dev.mqttspring.reliability.ReliabilityApps#librariesAndVersions")
	void deniedSubscriptionIsReportedWithItsReason(String library, String version) throws Exception {
		Path plugin = Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");
		org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(plugin),
				"mosquitto dynamic security plugin not installed");
		// an acl_file does not refuse subscriptions (mosquitto 2.0 grants them and filters on
		// delivery); the dynamic security plugin refuses them with SUBACK 0x87 (MQTT 3.1.1: 0x80)
		Path dynsec = java.nio.file.Files.createTempDirectory("dynsec");
		Path config = dynsec.resolve("dynamic-security.json");
		java.nio.file.Files.writeString(config, """
				{"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
				 "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "restricted"}]}],
				 "roles": [{"rolename": "restricted", "acls": [{"acltype": "subscribePattern", "topic": "secret/#", "priority": 0, "allow": false}]}],
				 "anonymousGroup": "anonymous"}
				""");
		dynsec.toFile().setWritable(true, false);
		config.toFile().setWritable(true, false);
		try (MosquittoBroker restricted = MosquittoBroker.builder().config("plugin " + plugin)
			.config("plugin_opt_config_file " + config).start()) {
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + restricted.url(), "mqtt.version=" + version, "mqtt.fail-fast=true")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					List<String> received = new CopyOnWriteArrayList<>();
					DefaultMqttListenerContainer denied = new DefaultMqttListenerContainer(connection, "denied",
							List.of("secret/#"), 1, null, (message) -> received.add("secret"));
					DefaultMqttListenerContainer allowed = new DefaultMqttListenerContainer(connection, "allowed",
							List.of("allowed/+"), 2, null,
							(message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
					denied.start();
					allowed.start();
					try {
						await().atMost(Duration.ofSeconds(10))
							.until(() -> !denied.getSubscriptionResults().isEmpty()
									&& !allowed.getSubscriptionResults().isEmpty());
						MqttSubscriptionResult result = denied.getSubscriptionResults().get(0);
						context.getBean(MqttTemplate.class).publish("allowed/x", "fine", 1, false).get(10, TimeUnit.SECONDS);
						await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("fine"));
						Health health = context.getBean(MqttHealthIndicator.class).health(true);
						ReliabilityReport.scenario(library, "ACL: denied subscription (MQTT " + version + ", dynamic security)")
							.note("SUBACK " + String.format("0x%02X", result.reasonCode()) + " " + result.reason())
							.note("health " + health.getStatus() + ", refusedSubscriptions "
									+ health.getDetails().get("refusedSubscriptions"))
							.note("allowed filter next to it granted QoS " + allowed.getSubscriptionResults().get(0).grantedQos()
									+ " and receives")
							.write();
						assertThat(denied.getSubscriptionResults()).hasSize(1);
						assertThat(result.filter()).isEqualTo("secret/#");
						assertThat(result.isGranted()).isFalse();
						if (version.equals("5")) {
							assertThat(result.reasonCode()).isEqualTo(0x87);
							assertThat(result.reason()).contains("not authorized (0x87)");
						}
						else {
							assertThat(result.reasonCode()).isEqualTo(0x80);
							assertThat(result.reason()).contains("(0x80)");
						}
						assertThat(allowed.getSubscriptionResults()).singleElement().satisfies((granted) -> {
							assertThat(granted.isGranted()).isTrue();
							assertThat(granted.grantedQos()).isEqualTo(2);
						});
						assertThat(health.getDetails()).containsKey("refusedSubscriptions");
						assertThat(received).containsExactly("fine");
						assertThat(connection.isConnected()).isTrue();
					}
					finally {
						allowed.stop();
						denied.stop();
					}
				});
		}
	}

	@ParameterizedTest(name = "{0}, QoS {1}")
	@CsvSource({ "paho, 1", "paho, 2", "hivemq, 1", "hivemq, 2" })
	void deniedPublishFailsWith0x87(String library, int qos) {
		ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + PASSWORD,
					"mqtt.fail-fast=true")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				Throwable publishFailure = null;
				try {
					template.publish("readonly/x", "nope", qos, false).get(10, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					publishFailure = ex.getCause();
				}
				template.publish("allowed/x", "fine", qos, false).get(10, TimeUnit.SECONDS);
				ReliabilityReport.scenario(library, "ACL: denied QoS " + qos + " publish (MQTT 5)")
					.note("publish future: " + publishFailure)
					.note("reconnects " + connection.getReconnectCount())
					.write();
				assertThat(publishFailure).isInstanceOfSatisfying(MqttDeliveryException.class,
						(ex) -> assertThat(ex.getReasonCode()).isEqualTo(MqttReasonCodes.NOT_AUTHORIZED))
					.hasMessageContaining("'readonly/x'")
					.hasMessageEndingWith(": not authorized (0x87)");
				assertThat(connection.isConnected()).isTrue();
				if (library.equals("paho") && qos == 2) {
					// Paho 1.2.5 treats a PUBREC with a failure reason as a connection error: it
					// fails the publish and drops the connection, which the starter re-establishes
					return;
				}
				assertThat(publishFailure).hasMessage("The broker refused the message to 'readonly/x': not authorized (0x87)");
				assertThat(connection.getReconnectCount()).isZero();
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void tlsRefusesUntrustedCaAndWrongHostAndAcceptsMutualTls(String library) {
		TestCertificates certificates = TestCertificates.generate(directory);
		try (MosquittoBroker untrusted = MosquittoBroker.builder()
			.tls(certificates.untrustedCaCertificate(), certificates.untrustedServerCertificate(),
					certificates.untrustedServerPrivateKey())
			.start();
				MosquittoBroker wrongHost = MosquittoBroker.builder()
					.tls(certificates.caCertificate(), certificates.wrongHostCertificate(),
							certificates.wrongHostPrivateKey())
					.start();
				MosquittoBroker mutual = MosquittoBroker.builder()
					.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
					.requireClientCertificate(true)
					.start()) {
			ApplicationContextRunner tls = ReliabilityApps.runner(library)
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
				.withPropertyValues("mqtt.ssl.bundle=mqtt", "mqtt.fail-fast=true", "mqtt.automatic-reconnect=false",
						"spring.ssl.bundle.pem.mqtt.truststore.certificate=file:" + certificates.caCertificate());
			List<String> outcomes = new ArrayList<>();
			tls.withPropertyValues("mqtt.url=" + untrusted.sslUrl()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(stackTrace(context.getStartupFailure())).containsPattern("(?i)certif|PKIX");
				outcomes.add("untrusted CA refused");
			});
			tls.withPropertyValues("mqtt.url=" + wrongHost.sslUrl()).run((context) -> {
				assertThat(context).hasFailed();
				outcomes.add("wrong host refused");
			});
			tls.withPropertyValues("mqtt.url=" + mutual.sslUrl()).run((context) -> {
				assertThat(context).hasFailed();
				outcomes.add("mTLS without client certificate refused");
			});
			tls.withPropertyValues("mqtt.url=" + mutual.sslUrl(),
					"spring.ssl.bundle.pem.mqtt.keystore.certificate=file:" + certificates.clientCertificate(),
					"spring.ssl.bundle.pem.mqtt.keystore.private-key=file:" + certificates.clientPrivateKey())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					assertThat(connection.isConnected()).isTrue();
					context.getBean(MqttTemplate.class).publish("mtls/x", "hello", 1, false).get(10, TimeUnit.SECONDS);
					outcomes.add("mTLS with client certificate from an SSL bundle connected and published");
				});
			ReliabilityReport.scenario(library, "TLS: untrusted CA, wrong host name, mutual TLS").note(String.join(", ", outcomes))
				.write();
			assertThat(outcomes).hasSize(4);
		}
	}

	static String stackTrace(Throwable ex) {
		java.io.StringWriter writer = new java.io.StringWriter();
		ex.printStackTrace(new java.io.PrintWriter(writer));
		return writer + String.valueOf(ex);
	}

	static String json(Object value) {
		try {
			return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(value);
		}
		catch (RuntimeException ex) {
			return String.valueOf(value);
		}
	}

}
