package dev.mqttspring.hivemq;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mqttspring.testsupport.ChildJvm;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HiveMQ client library leaves no thread that keeps the JVM alive: an application
 * whose start-up failed (nothing listening, untrusted CA), or whose context closed (never
 * connected, or connected with a session that outlives the connection), ends when its
 * {@code main} returns.
 */
class HiveMqThreadReleaseTests {

	@Test
	void jvmExitsAfterFailFastStartUpFailure() throws Exception {
		assertExits(HiveMqFailingApplication.FAILED, "mqtt.url=tcp://127.0.0.1:" + FreePorts.find(), "mqtt.fail-fast=true",
				"mqtt.connection-timeout=1s");
	}

	@Test
	void jvmExitsAfterContextCloseWithoutConnection() throws Exception {
		assertExits(HiveMqFailingApplication.CLOSED, "mqtt.url=tcp://127.0.0.1:" + FreePorts.find(),
				"mqtt.fail-fast=false", "mqtt.connection-timeout=1s", "mqtt.reconnect-delay=100ms");
	}

	@Test
	void jvmExitsAfterFailFastStartUpFailureWithUntrustedCa(@TempDir Path directory) throws Exception {
		TestCertificates certificates = TestCertificates.generate(directory);
		try (MosquittoBroker untrusted = MosquittoBroker.builder()
			.tls(certificates.untrustedCaCertificate(), certificates.untrustedServerCertificate(),
					certificates.untrustedServerPrivateKey())
			.start()) {
			assertExits(HiveMqFailingApplication.FAILED, "mqtt.url=" + untrusted.sslUrl(), "mqtt.fail-fast=true",
					"mqtt.ssl.bundle=mqtt", "spring.ssl.bundle.pem.mqtt.truststore.certificate=file:"
							+ certificates.caCertificate());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void jvmExitsAfterContextCloseWithPersistentSession(String version) throws Exception {
		String clientId = "thread-release-" + UUID.randomUUID().toString().substring(0, 8);
		assertExits(HiveMqFailingApplication.CLOSED, "mqtt.url=tcp://127.0.0.1:1883", "mqtt.fail-fast=true",
				"mqtt.version=" + version, "mqtt.client-id=" + clientId, "mqtt.clean-start=false",
				"mqtt.session-expiry=1s");
	}

	static void assertExits(String expected, String... properties) throws Exception {
		ChildJvm jvm = ChildJvm.start("failing-application", HiveMqFailingApplication.class, List.of(properties));
		Process child = jvm.process();
		List<String> output = jvm.output();
		try {
			// start-up takes a few seconds on a loaded machine; the JVM must end soon after main returns
			await().atMost(Duration.ofSeconds(60))
				.failFast(() -> !child.isAlive() && !output.contains(expected))
				.until(() -> output.contains(expected));
			long returned = System.nanoTime();
			boolean exited = child.waitFor(10, TimeUnit.SECONDS);
			assertThat(exited).as("the JVM exited within 10 s after main returned; output:%n%s", String.join("\n", output))
				.isTrue();
			System.out.println("JVM exited " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned)
					+ " ms after main returned");
		}
		finally {
			if (child.isAlive()) {
				child.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
				child.destroyForcibly();
			}
		}
	}

}
