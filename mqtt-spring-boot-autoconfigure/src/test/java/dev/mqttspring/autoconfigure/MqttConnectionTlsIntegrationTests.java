package dev.mqttspring.autoconfigure;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS through a Spring Boot SSL bundle against mosquitto TLS listeners: trusted CA,
 * untrusted CA, wrong host name and mutual TLS.
 */
class MqttConnectionTlsIntegrationTests {

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static MosquittoBroker trusted;

	private static MosquittoBroker untrusted;

	private static MosquittoBroker wrongHost;

	private static MosquittoBroker mutual;

	private ApplicationContextRunner runner;

	@BeforeAll
	static void startBrokers() {
		certificates = TestCertificates.generate(directory);
		trusted = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
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
	}

	@AfterAll
	static void stopBrokers() {
		for (MosquittoBroker broker : new MosquittoBroker[] { trusted, untrusted, wrongHost, mutual }) {
			if (broker != null) {
				broker.close();
			}
		}
	}

	@org.junit.jupiter.api.BeforeEach
	void runner() {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.ssl.bundle=mqtt", "mqtt.automatic-reconnect=false",
					"spring.ssl.bundle.pem.mqtt.truststore.certificate=file:" + certificates.caCertificate());
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void trustedCaConnects(String version) {
		String url = trusted.sslUrl();
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
				assertThat(connection.getConnectedServerUri()).isEqualTo(url);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void trustedCaConnectsByHostName(String version) {
		String url = "ssl://localhost:" + trusted.tlsPort();
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).getConnectedServerUri()).isEqualTo(url);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void untrustedCaIsRefused(String version) {
		this.runner.withPropertyValues("mqtt.url=" + untrusted.sslUrl(), "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
					.contains(untrusted.sslUrl())
					.contains("PKIX path building failed")
					.doesNotContain("success");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void untrustedCaLeavesTheConnectionDisconnectedWithoutFailFast(String version) {
		this.runner.withPropertyValues("mqtt.url=" + untrusted.sslUrl(), "mqtt.version=" + version).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.DISCONNECTED);
			assertThat(connection.getLastFailure()).contains(untrusted.sslUrl()).contains("PKIX");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongHostNameIsRefused(String version) {
		this.runner.withPropertyValues("mqtt.url=" + wrongHost.sslUrl(), "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
					.contains(wrongHost.sslUrl())
					.containsIgnoringCase("No subject alternative names matching IP address 127.0.0.1");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongHostNameConnectsWithHostnameVerificationOff(String version) {
		this.runner.withPropertyValues("mqtt.url=" + wrongHost.sslUrl(), "mqtt.version=" + version, "mqtt.fail-fast=true",
				"mqtt.ssl.hostname-verification=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void mutualTlsWithClientCertificateConnects(String version) {
		this.runner.withPropertyValues("mqtt.url=" + mutual.sslUrl(), "mqtt.version=" + version, "mqtt.fail-fast=true",
				"spring.ssl.bundle.pem.mqtt.keystore.certificate=file:" + certificates.clientCertificate(),
				"spring.ssl.bundle.pem.mqtt.keystore.private-key=file:" + certificates.clientPrivateKey())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
			});
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "paho, 5", "paho, 3.1.1", "hivemq, 5", "hivemq, 3.1.1" })
	void untrustedCaFailureHintsAtTheTruststore(String library, String version) {
		this.runner
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.url=" + untrusted.sslUrl(),
					"mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
				.contains(untrusted.sslUrl())
				.contains("the broker's certificate is not signed by a CA the client trusts")
				.contains("truststore of the SSL bundle (mqtt.ssl.bundle)"));
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "paho, 5", "paho, 3.1.1", "hivemq, 5", "hivemq, 3.1.1" })
	void wrongHostNameFailureHintsAtHostnameVerification(String library, String version) {
		this.runner
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.url=" + wrongHost.sslUrl(),
					"mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
				.contains(wrongHost.sslUrl())
				.contains("the broker's certificate does not name the host '127.0.0.1'")
				.contains("mqtt.ssl.hostname-verification=false"));
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "paho, 5", "paho, 3.1.1", "hivemq, 5", "hivemq, 3.1.1" })
	void missingClientCertificateFailureHintsAtTheKeystore(String library, String version) {
		this.runner
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.url=" + mutual.sslUrl(), "mqtt.version=" + version,
					"mqtt.fail-fast=true")
			.run((context) -> assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
				.contains(mutual.sslUrl())
				.contains("a client certificate")
				.contains("keystore of the SSL bundle (mqtt.ssl.bundle)"));
	}

	@Test
	void missingSslBundleIsReportedByTheFailureAnalyzer() {
		this.runner.withPropertyValues("mqtt.url=" + trusted.sslUrl(), "mqtt.ssl.bundle=mqtt-tls").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = StartupFailureAnalysis.of(context);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("mqtt.ssl.bundle").contains("'mqtt-tls'");
			assertThat(analysis.getDescription()).contains("SSL bundle 'mqtt-tls' does not exist")
				.contains("configured bundles: [mqtt]")
				.contains("spring.ssl.bundle.pem.mqtt-tls.truststore.certificate")
				.contains("spring.ssl.bundle.jks.mqtt-tls");
		});
	}


	@Test
	void mutualTlsWithoutClientCertificateIsRefused() {
		this.runner.withPropertyValues("mqtt.url=" + mutual.sslUrl(), "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(MqttConnectionAuthIntegrationTests.connectException(context).getMessage())
					.contains(mutual.sslUrl())
					.doesNotContain("success");
			});
	}

}
