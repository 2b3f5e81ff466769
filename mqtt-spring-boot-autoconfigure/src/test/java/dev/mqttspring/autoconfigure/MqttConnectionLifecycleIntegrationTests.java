package dev.mqttspring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transports and lifecycle against real brokers: WebSocket, failover, file persistence,
 * a fast close, and the embedded broker stopping after the connection.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttConnectionLifecycleIntegrationTests {

	private static final String SYSTEM_MOSQUITTO = "tcp://127.0.0.1:1883";

	private static EmbeddedMqttBroker webSocketBroker;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class));

	@BeforeAll
	static void startWebSocketBroker() {
		webSocketBroker = EmbeddedMqttBroker.builder().webSocketPort(EmbeddedMqttBroker.RANDOM_PORT).build();
		webSocketBroker.start();
	}

	@AfterAll
	static void stopWebSocketBroker() {
		if (webSocketBroker != null) {
			webSocketBroker.stop();
		}
	}

	// ---- WebSocket

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void webSocket(String version) {
		String url = webSocketBroker.getWebSocketUrl();
		assertThat(url).startsWith("ws://127.0.0.1:").endsWith("/mqtt");
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedMqttBroker.class);
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getConnectedServerUri()).isEqualTo(url);
				roundTrip(connection);
			});
	}

	@Test
	void webSocketListenerOfTheAutoConfiguredEmbeddedBroker() {
		this.runner.withPropertyValues("mqtt.embedded.enabled=true", "mqtt.embedded.websocket-port=0").run((server) -> {
			EmbeddedMqttBroker broker = server.getBean(EmbeddedMqttBroker.class);
			String url = broker.getWebSocketUrl();
			this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.fail-fast=true").run((client) -> {
				MqttConnection connection = client.getBean(MqttConnection.class);
				assertThat(connection.getConnectedServerUri()).isEqualTo(url);
				roundTrip(connection);
			});
		});
	}

	// ---- failover

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void failoverListWhoseFirstUrlIsDeadConnectsToTheSecond(String version) {
		String dead = "tcp://127.0.0.1:" + FreePorts.find();
		this.runner.withPropertyValues("mqtt.url=" + dead + "," + SYSTEM_MOSQUITTO, "mqtt.version=" + version,
				"mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getServerUris()).containsExactly(dead, SYSTEM_MOSQUITTO);
				assertThat(connection.getConnectedServerUri()).isEqualTo(SYSTEM_MOSQUITTO);
				roundTrip(connection);
			});
	}

	// ---- persistence

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void filePersistenceWritesUnderTheDirectoryOnly(String version, @TempDir Path directory) throws IOException {
		Path workingDirectory = Path.of("").toAbsolutePath();
		Set<String> before = list(workingDirectory);
		String clientId = "persist-" + UUID.randomUUID().toString().substring(0, 8);
		// file persistence is Paho's (the HiveMQ client refuses it at start-up)
		this.runner.withPropertyValues("mqtt.client-library=paho", "mqtt.url=" + SYSTEM_MOSQUITTO, "mqtt.version=" + version,
				"mqtt.fail-fast=true", "mqtt.client-id=" + clientId, "mqtt.persistence.type=file",
				"mqtt.persistence.directory=" + directory)
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.isConnected()).isTrue();
				roundTrip(connection);
				try (Stream<Path> files = Files.list(directory)) {
					assertThat(files.map((path) -> path.getFileName().toString())).singleElement()
						.asString()
						.contains(clientId);
				}
			});
		assertThat(list(workingDirectory)).isEqualTo(before);
	}

	private static Set<String> list(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((path) -> path.getFileName().toString())
				.filter((name) -> !name.equals("target"))
				.collect(Collectors.toSet());
		}
	}

	// ---- closing

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void closingAConnectedContextIsFast(String version) {
		this.runner.withPropertyValues("mqtt.url=" + SYSTEM_MOSQUITTO, "mqtt.version=" + version).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).isTrue();
			long start = System.nanoTime();
			context.close();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(took).isLessThan(Duration.ofSeconds(3));
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.STOPPED);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void closingIsBoundedWhenTheBrokerStopsAnswering(String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			this.runner.withPropertyValues("mqtt.url=" + proxy.url(), "mqtt.version=" + version,
					"mqtt.shutdown-timeout=1s")
				.run((context) -> {
					assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
					proxy.blackhole(true);
					long start = System.nanoTime();
					context.close();
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void closingWhileReconnectingIsFast(String version) {
		String url = "tcp://127.0.0.1:" + FreePorts.find();
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.reconnect-delay=50ms",
				"mqtt.max-reconnect-delay=100ms")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> connection.getLastFailure() != null);
				long start = System.nanoTime();
				context.close();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
				assertThat(connection.getState()).isEqualTo(MqttConnectionState.STOPPED);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void reconnectsAfterAStopAndStartOfTheContext(String version) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port())) {
			this.runner.withPropertyValues("mqtt.url=" + proxy.url(), "mqtt.version=" + version,
					"mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=200ms")
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					assertThat(connection.isConnected()).isTrue();
					context.getSourceApplicationContext().stop();
					assertThat(connection.getState()).isEqualTo(MqttConnectionState.STOPPED);
					context.getSourceApplicationContext().start();
					assertThat(connection.isConnected()).isTrue();
					proxy.resetAll();
					await().atMost(Duration.ofSeconds(10)).until(() -> connection.getReconnectCount() >= 1);
					await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
					roundTrip(connection);
				});
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void embeddedBrokerStopsAfterTheConnection(String version, CapturedOutput output) {
		this.runner.withPropertyValues("mqtt.version=" + version).run((context) -> {
			MqttConnection connection = context.getBean(MqttConnection.class);
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(connection.isConnected()).isTrue();
			List<String> states = new CopyOnWriteArrayList<>();
			connection.addConnectionListener(new dev.mqttspring.core.MqttConnectionListener() {

				@Override
				public void connectionLost(String cause, int reasonCode) {
					states.add("lost: " + cause + " broker running: " + broker.isRunning());
				}

			});
			context.close();
			assertThat(broker.isRunning()).isFalse();
			assertThat(connection.getState()).isEqualTo(MqttConnectionState.STOPPED);
			assertThat(states).isEmpty();
		});
		assertThat(output).doesNotContain("lost its connection").doesNotContain(" ERROR ");
	}

	static void roundTrip(MqttConnection connection) throws Exception {
		String topic = "lifecycle-it/" + UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		MqttSubscription subscription = new MqttSubscription(topic, 1, (MqttInboundMessage message) -> {
			received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			message.acknowledge();
		}, "test");
		assertThat(connection.subscribe(subscription).get(10, TimeUnit.SECONDS).isGranted()).isTrue();
		connection.publish(new MqttOutboundMessage(topic, "hello".getBytes(StandardCharsets.UTF_8), 1, false,
				MqttMessageProperties.NONE))
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello"));
		connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
	}

}
