package dev.mqttspring.cloud;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HiveMQ Cloud and EMQX Cloud recipe of the guide: {@code ssl://} and
 * {@code wss://.../mqtt} with user name and password and no SSL bundle, so that the JVM's
 * default trust store decides. A mosquitto with a server certificate for localhost from a
 * test CA and a password file plays the cloud broker; the application runs in its own JVM
 * whose default trust store ({@code -Djavax.net.ssl.trustStore}) holds the test CA, as the
 * JDK's holds the public CAs, on both client libraries; a wrong password shows in health.
 */
class HiveMqCloudAndEmqxCloudRecipeTests {

	private static final String USER = "app-user";

	private static final String PASSWORD = "cluster-credential-1";

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static MosquittoBroker broker;

	private static int webSocketPort;

	@BeforeAll
	static void startBroker() {
		certificates = TestCertificates.generate(directory.resolve("pem"));
		webSocketPort = FreePorts.find();
		broker = MosquittoBroker.builder()
			.user(USER, PASSWORD)
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.config("listener " + webSocketPort + " 127.0.0.1")
			.config("protocol websockets")
			.config("cafile " + certificates.caCertificate().toAbsolutePath())
			.config("certfile " + certificates.serverCertificate().toAbsolutePath())
			.config("keyfile " + certificates.serverPrivateKey().toAbsolutePath())
			.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> !FreePorts.isBindable(webSocketPort));
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@Test
	void jvmDefaultTrustStoreTrustsTheBrokerOverSslAndWssOnBothLibraries() throws Exception {
		Path trustStore = directory.resolve("jvm-truststore.p12");
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		try (var in = Files.newInputStream(certificates.caCertificate())) {
			store.setCertificateEntry("test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		try (OutputStream out = Files.newOutputStream(trustStore)) {
			store.store(out, "changeit".toCharArray());
		}
		String ssl = "ssl://localhost:" + broker.tlsPort();
		String wss = "wss://localhost:" + webSocketPort + "/mqtt";
		List<String> cases = new ArrayList<>();
		for (String library : List.of("hivemq", "paho")) {
			cases.add(String.join("|", library + "-ssl", library, ssl, USER, PASSWORD));
			cases.add(String.join("|", library + "-wss", library, wss, USER, PASSWORD));
			cases.add(String.join("|", library + "-wrong-password", library, ssl, USER, "not-the-password"));
		}
		try (ChildJvm application = ChildJvm.start("public-ca", PublicCaApplication.class,
				List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
						"-Djavax.net.ssl.trustStoreType=PKCS12"),
				cases)) {
			await().atMost(Duration.ofSeconds(90))
				.until(() -> application.output().contains(PublicCaApplication.DONE) || !application.isAlive());
			List<String> output = List.copyOf(application.output());
			assertThat(output).as(String.join("\n", output))
				.contains("CASE hivemq-ssl RECEIVED", "CASE hivemq-wss RECEIVED", "CASE paho-ssl RECEIVED",
						"CASE paho-wss RECEIVED", PublicCaApplication.DONE);
			for (String library : List.of("hivemq", "paho")) {
				assertThat(output).as(String.join("\n", output))
					.anySatisfy((line) -> assertThat(line).startsWith("CASE " + library + "-wrong-password DOWN DOWN")
						// mosquitto answers a wrong password on MQTT 5 with 0x87
						.contains("not authorized (0x87)")
						.contains("check mqtt.username, mqtt.password")
						.doesNotContain("not-the-password"));
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void withoutTheCaInTheJvmTrustStoreTheHandshakeFailsWithTheFix(String library) {
		// this JVM's default trust store holds the JDK's public CAs, not the test CA
		CloudRecipes.runner(library)
			.withPropertyValues("mqtt.url=ssl://localhost:" + broker.tlsPort(), "mqtt.username=" + USER,
					"mqtt.password=" + PASSWORD)
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> connection.getLastFailure() != null);
				assertThat(connection.isConnected()).isFalse();
				assertThat(connection.getLastFailure()).contains("not signed by a CA the client trusts");
			});
	}

}
