package dev.mqttspring.hivemq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transports of the HiveMQ backend: TLS through a Spring Boot SSL bundle against mosquitto
 * TLS listeners (trusted and untrusted CA, host name verification, mutual TLS),
 * WebSocket with a path, credentials, and failover across the URL list.
 */
class HiveMqTransportIntegrationTests {

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static MosquittoBroker trusted;

	private static MosquittoBroker untrusted;

	private static MosquittoBroker wrongHost;

	private static MosquittoBroker mutual;

	private static EmbeddedMqttBroker webSocket;

	@BeforeAll
	static void startBrokers() {
		certificates = TestCertificates.generate(directory);
		trusted = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.user("alice", "secret")
			.start();
		untrusted = MosquittoBroker.builder()
			.tls(certificates.untrustedCaCertificate(), certificates.untrustedServerCertificate(),
					certificates.untrustedServerPrivateKey())
			.start();
		wrongHost = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.wrongHostCertificate(), certificates.wrongHostPrivateKey())
			.start();
		mutual = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.requireClientCertificate(true)
			.start();
		webSocket = EmbeddedMqttBroker.builder().webSocketPort(EmbeddedMqttBroker.RANDOM_PORT).build();
		webSocket.start();
	}

	@AfterAll
	static void stopBrokers() {
		for (MosquittoBroker broker : new MosquittoBroker[] { trusted, untrusted, wrongHost, mutual }) {
			if (broker != null) {
				broker.close();
			}
		}
		if (webSocket != null) {
			webSocket.stop();
		}
	}

	private ApplicationContextRunner runner(String version) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.client-library=hivemq", "mqtt.version=" + version, "mqtt.automatic-reconnect=false",
					"mqtt.connection-timeout=3s");
	}

	private ApplicationContextRunner tlsRunner(String version) {
		return runner(version).withPropertyValues("mqtt.ssl.bundle=mqtt",
				"spring.ssl.bundle.pem.mqtt.truststore.certificate=file:" + certificates.caCertificate());
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void trustedCaWithCredentialsConnectsAndRoundTrips(String version) {
		String url = "ssl://localhost:" + trusted.tlsPort();
		tlsRunner(version)
			.withPropertyValues("mqtt.url=" + url, "mqtt.fail-fast=true", "mqtt.username=alice", "mqtt.password=secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
				assertThat(connection.getConnectedServerUri()).isEqualTo(url);
				roundTrip(connection);
			});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongPasswordIsRefused(String version) {
		tlsRunner(version)
			.withPropertyValues("mqtt.url=" + trusted.sslUrl(), "mqtt.fail-fast=true", "mqtt.username=alice",
					"mqtt.password=wrong")
			.run((context) -> {
				assertThat(context).hasFailed();
				MqttConnectException failure = connectException(context);
				assertThat(failure.getMessage()).contains(trusted.sslUrl()).doesNotContain("wrong");
				assertThat(failure.getReasonCode()).isIn(0x86, 0x87);
			});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void untrustedCaIsRefused(String version) {
		tlsRunner(version).withPropertyValues("mqtt.url=" + untrusted.sslUrl(), "mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(connectException(context).getMessage()).contains(untrusted.sslUrl())
				.contains("PKIX path building failed");
		});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongHostNameIsRefusedUnlessVerificationIsOff(String version) {
		tlsRunner(version).withPropertyValues("mqtt.url=" + wrongHost.sslUrl(), "mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(connectException(context).getMessage()).contains(wrongHost.sslUrl())
				.containsIgnoringCase("No subject alternative names matching IP address 127.0.0.1");
		});
		tlsRunner(version)
			.withPropertyValues("mqtt.url=" + wrongHost.sslUrl(), "mqtt.fail-fast=true",
					"mqtt.ssl.hostname-verification=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
			});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void mutualTlsUsesTheBundlesKey(String version) {
		runner(version)
			.withPropertyValues("mqtt.url=" + mutual.sslUrl(), "mqtt.fail-fast=true", "mqtt.ssl.bundle=client",
					"spring.ssl.bundle.pem.client.truststore.certificate=file:" + certificates.caCertificate(),
					"spring.ssl.bundle.pem.client.keystore.certificate=file:" + certificates.clientCertificate(),
					"spring.ssl.bundle.pem.client.keystore.private-key=file:" + certificates.clientPrivateKey())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				roundTrip(context.getBean(MqttConnection.class));
			});
		tlsRunner(version).withPropertyValues("mqtt.url=" + mutual.sslUrl(), "mqtt.fail-fast=true")
			.run((context) -> assertThat(context).hasFailed());
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void webSocketWithPath(String version) {
		String url = webSocket.getWebSocketUrl();
		assertThat(url).endsWith("/mqtt");
		runner(version).withPropertyValues("mqtt.url=" + url, "mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.getConnectedServerUri()).isEqualTo(url);
			roundTrip(connection);
		});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@ValueSource(strings = { "5", "3.1.1" })
	void failsOverToTheNextUrl(String version) {
		String dead = "tcp://127.0.0.1:" + FreePorts.find();
		String alive = "tcp://127.0.0.1:1883";
		runner(version).withPropertyValues("mqtt.url=" + dead + "," + alive, "mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.getConnectedServerUri()).isEqualTo(alive);
			roundTrip(connection);
		});
	}

	static MqttConnectException connectException(AssertableApplicationContext context) {
		Throwable cause = context.getStartupFailure();
		while (cause != null && !(cause instanceof MqttConnectException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("MqttConnectException in %s", context.getStartupFailure())
			.isInstanceOf(MqttConnectException.class);
		return (MqttConnectException) cause;
	}

	private static void roundTrip(MqttConnection connection) throws Exception {
		String topic = "hivemq-transport/" + java.util.UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		connection.subscribe(new MqttSubscription(topic, 1, (message) -> {
			received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "transport-test")).get(10, TimeUnit.SECONDS);
		connection.publish(new MqttOutboundMessage(topic, "ping".getBytes(StandardCharsets.UTF_8), 1, false,
				MqttMessageProperties.NONE)).get(10, TimeUnit.SECONDS);
		await().atMost(java.time.Duration.ofSeconds(10)).until(() -> received.contains("ping"));
	}

}
