package dev.mqttspring.hivemq;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket transport ({@code ws://}, {@code wss://}) against a mosquitto process with a
 * plain and a TLS websockets listener, on the default client library (HiveMQ, whose
 * WebSocket codec {@code io.netty:netty-codec-http} the starter brings) and on Paho; and
 * the start-up error naming the dependency when the codec is missing.
 */
class HiveMqWebSocketIntegrationTests {

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static MosquittoBroker broker;

	private static int webSocketPort;

	private static int secureWebSocketPort;

	@BeforeAll
	static void startBroker() {
		certificates = TestCertificates.generate(directory);
		webSocketPort = FreePorts.find();
		int candidate = FreePorts.find();
		while (candidate == webSocketPort) {
			candidate = FreePorts.find();
		}
		secureWebSocketPort = candidate;
		broker = MosquittoBroker.builder()
			.config("listener " + webSocketPort + " 127.0.0.1")
			.config("protocol websockets")
			.config("listener " + secureWebSocketPort + " 127.0.0.1")
			.config("protocol websockets")
			.config("cafile " + certificates.caCertificate().toAbsolutePath())
			.config("certfile " + certificates.serverCertificate().toAbsolutePath())
			.config("keyfile " + certificates.serverPrivateKey().toAbsolutePath())
			.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !FreePorts.isBindable(webSocketPort) && !FreePorts.isBindable(secureWebSocketPort));
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	private ApplicationContextRunner runner(String library, String version) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.version=" + version, "mqtt.automatic-reconnect=false", "mqtt.connection-timeout=5s",
					"mqtt.fail-fast=true");
		// the default library needs no property
		return "default".equals(library) ? runner : runner.withPropertyValues("mqtt.client-library=" + library);
	}

	@ParameterizedTest(name = "{0}, MQTT {1}, path {2}")
	@CsvSource({ "default, 5, /mqtt", "default, 3.1.1, /mqtt", "default, 5, ''", "paho, 5, /mqtt", "paho, 3.1.1, /mqtt" })
	void webSocket(String library, String version, String path) {
		String url = "ws://127.0.0.1:" + webSocketPort + path;
		runner(library, version).withPropertyValues("mqtt.url=" + url).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(((DefaultMqttConnection) connection).getClientAdapter().getClass().getPackageName())
				.isEqualTo("default".equals(library) ? "dev.mqttspring.hivemq" : "dev.mqttspring.paho");
			assertThat(connection.getConnectedServerUri()).isEqualTo(url);
			roundTrip(connection);
		});
	}

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "default, 5", "default, 3.1.1", "paho, 5" })
	void secureWebSocketWithAnSslBundle(String library, String version) {
		String url = "wss://localhost:" + secureWebSocketPort + "/mqtt";
		runner(library, version)
			.withPropertyValues("mqtt.url=" + url, "mqtt.ssl.bundle=mqtt",
					"spring.ssl.bundle.pem.mqtt.truststore.certificate=file:" + certificates.caCertificate())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getConnectedServerUri()).isEqualTo(url);
				roundTrip(connection);
			});
	}

	@Test
	void secureWebSocketWithAnUntrustedCertificateIsRefused() {
		runner("default", "5").withPropertyValues("mqtt.url=wss://localhost:" + secureWebSocketPort + "/mqtt")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(HiveMqTransportIntegrationTests.connectException(context).getMessage())
					.contains("PKIX path building failed");
			});
	}

	@Test
	void missingHttpCodecFailsStartUpNamingTheDependency() {
		String url = "ws://127.0.0.1:" + webSocketPort + "/mqtt";
		runner("default", "5").withClassLoader(new FilteredClassLoader("io.netty.handler.codec.http"))
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:" + broker.port() + "," + url)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("mqtt.url")
					.hasMessageContaining(url)
					.hasMessageContaining("io.netty:netty-codec-http")
					.hasMessageNotContaining("CONNACK");
			});
	}

	@Test
	void missingHttpCodecDoesNotMatterWithoutWebSocket() {
		runner("default", "5").withClassLoader(new FilteredClassLoader("io.netty.handler.codec.http"))
			.withPropertyValues("mqtt.url=" + broker.url())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				roundTrip(context.getBean(MqttConnection.class));
			});
	}

	private static void roundTrip(MqttConnection connection) throws Exception {
		String topic = "websocket/" + UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		connection.subscribe(new MqttSubscription(topic, 1, (message) -> {
			received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "websocket-test")).get(10, TimeUnit.SECONDS);
		connection.publish(new MqttOutboundMessage(topic, "over websocket".getBytes(StandardCharsets.UTF_8), 1, false,
				MqttMessageProperties.NONE)).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("over websocket"));
	}

}
