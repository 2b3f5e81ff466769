package dev.mqttspring.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.MqttHealthIndicator;
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

	@Test
	void wrongPasswordFailsClearlyBacksOffAndNeverShowsThePassword() {
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
		try (LogCapture logs = LogCapture.start(Level.TRACE, "dev.mqttspring", "org.eclipse.paho")) {
			List<Throwable> exceptions = new ArrayList<>();
			ReliabilityApps.runner()
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
					ReliabilityReport.scenario("Wrong password")
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
			ApplicationContextRunner failFast = ReliabilityApps.runner()
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

	@Test
	void passwordIsNotShownByActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(dev.mqttspring.autoconfigure.MqttAutoConfiguration.class,
					dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration.class,
					MqttEndpointAutoConfiguration.class, EndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withPropertyValues("mqtt.url=tcp://alice:" + PASSWORD + "@127.0.0.1:" + broker.port(),
					"mqtt.username=alice", "mqtt.password=" + PASSWORD, "mqtt.fail-fast=false",
					"management.endpoints.web.exposure.include=*", "management.endpoints.jmx.exposure.include=*")
			.run((context) -> {
				String env = json(context.getBean(EnvironmentEndpoint.class).environment(null));
				String configprops = json(context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
				String health = json(context.getBean(MqttHealthIndicator.class).health(true));
				String mqtt = json(context.getBean(MqttEndpoint.class).mqtt());
				boolean leaks = env.contains(PASSWORD) || configprops.contains(PASSWORD) || health.contains(PASSWORD)
						|| mqtt.contains(PASSWORD);
				ReliabilityReport.scenario("Password in Actuator env/configprops/health/mqtt (defaults)")
					.note("password (also as URL user info) found: " + leaks)
					.write();
				assertThat(env).as("env").doesNotContain(PASSWORD);
				assertThat(configprops).as("configprops").doesNotContain(PASSWORD);
				assertThat(health).as("health").doesNotContain(PASSWORD);
				assertThat(mqtt).as("mqtt endpoint").doesNotContain(PASSWORD);
			});
	}

	@Test
	void deniedSubscriptionIsReportedWithItsReason() throws Exception {
		Path plugin = Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");
		org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(plugin),
				"mosquitto dynamic security plugin not installed");
		// an acl_file does not refuse subscriptions (mosquitto 2.0 grants them and filters on
		// delivery); the dynamic security plugin refuses them with SUBACK 0x87
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
			ReliabilityApps.runner().withPropertyValues("mqtt.url=" + restricted.url(), "mqtt.fail-fast=true").run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttSubscription denied = new MqttSubscription("secret/#", 1, MqttInboundMessage::acknowledge, "denied");
				MqttSubscriptionResult result = connection.subscribe(denied).get(10, TimeUnit.SECONDS);
				Health health = context.getBean(MqttHealthIndicator.class).health(true);
				ReliabilityReport.scenario("ACL: denied subscription (MQTT 5, dynamic security)")
					.note("SUBACK " + String.format("0x%02X", result.reasonCode()) + " " + result.reason())
					.note("health " + health.getStatus() + ", refusedSubscriptions " + health.getDetails().get("refusedSubscriptions"))
					.write();
				assertThat(result.isGranted()).isFalse();
				assertThat(result.reasonCode()).isEqualTo(0x87);
				assertThat(result.reason()).containsIgnoringCase("not authorized");
				assertThat(health.getDetails()).containsKey("refusedSubscriptions");
				assertThat(connection.isConnected()).isTrue();
			});
		}
	}

	@Test
	void deniedPublishFailsWith0x87() {
		ReliabilityApps.runner()
			.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + PASSWORD,
					"mqtt.fail-fast=true")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				Throwable publishFailure = null;
				try {
					template.publish("readonly/x", "nope", 1, false).get(10, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					publishFailure = ex.getCause();
				}
				template.publish("allowed/x", "fine", 1, false).get(10, TimeUnit.SECONDS);
				ReliabilityReport.scenario("ACL: denied QoS 1 publish (MQTT 5)")
					.note("publish future: " + publishFailure)
					.write();
				assertThat(publishFailure).isInstanceOf(MqttDeliveryException.class);
				assertThat(((MqttDeliveryException) publishFailure).getReasonCode()).isEqualTo(0x87);
				assertThat(connection.isConnected()).isTrue();
			});
	}

	@Test
	void tlsRefusesUntrustedCaAndWrongHostAndAcceptsMutualTls() {
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
			ApplicationContextRunner tls = ReliabilityApps.runner()
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
			ReliabilityReport.scenario("TLS: untrusted CA, wrong host name, mutual TLS").note(String.join(", ", outcomes))
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
