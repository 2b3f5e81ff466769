package dev.mqttspring.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credentials, fail-fast and start-up while the broker is down, against a mosquitto
 * started by the test with a password file.
 */
class MqttConnectionAuthIntegrationTests {

	private static MosquittoBroker broker;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class));

	@BeforeAll
	static void startBroker() {
		broker = MosquittoBroker.builder().user("alice", "wonderland").start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void rightCredentialsConnect(String version) {
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version, "mqtt.username=alice",
				"mqtt.password=wonderland", "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
				assertThat(connection.getConnectedServerUri()).isEqualTo(broker.url());
				assertThat(connection.getLastFailure()).isNull();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongCredentialsWithFailFastFailStartUp(String version) {
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version, "mqtt.username=alice",
				"mqtt.password=wrong-secret", "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				MqttConnectException ex = connectException(context);
				assertThat(ex.getMessage()).containsIgnoringCase(broker.url())
					.containsPattern("(?i)bad user name or password|not authorized")
					.contains("mqtt.username")
					.doesNotContain("wrong-secret");
				assertThat(ex.getReasonCode()).isIn(0x86, 0x87);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void wrongCredentialsWithoutFailFastStartDisconnected(String version) {
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.version=" + version, "mqtt.username=alice",
				"mqtt.password=wrong-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getState()).isEqualTo(MqttConnectionState.DISCONNECTED);
				assertThat(connection.getLastFailure()).containsPattern("(?i)bad user name or password|not authorized")
					.doesNotContain("wrong-secret");
			});
	}

	@Test
	void missingCredentialsAreRefused() {
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true")
			.run((context) -> assertThat(connectException(context).getMessage())
				.containsPattern("(?i)bad user name or password|not authorized"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void failFastWithUnreachableBrokerNamesTheUrl(String version) {
		String url = "tcp://127.0.0.1:" + FreePorts.find();
		long start = System.nanoTime();
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(connectException(context).getMessage()).contains(url).containsIgnoringCase("refused");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void startsWhileBrokerIsDownAndConnectsWhenItComesUp(String version) {
		int port = FreePorts.find();
		String url = "tcp://127.0.0.1:" + port;
		this.runner.withPropertyValues("mqtt.url=" + url, "mqtt.version=" + version, "mqtt.reconnect-delay=100ms",
				"mqtt.max-reconnect-delay=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection connection = context.getBean(MqttConnection.class);
				assertThat(connection.getState()).isNotEqualTo(MqttConnectionState.CONNECTED);
				assertThat(connection.getLastFailure()).contains(url);
				try (MosquittoBroker late = MosquittoBroker.builder().port(port).start()) {
					await().atMost(Duration.ofSeconds(15))
						.untilAsserted(() -> assertThat(connection.getState()).isEqualTo(MqttConnectionState.CONNECTED));
					assertThat(connection.getConnectedServerUri()).isEqualTo(url);
					assertThat(connection.getLastFailure()).isNull();
					context.close();
				}
			});
	}

	static MqttConnectException connectException(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("start-up failure").isNotNull();
		Throwable cause = failure;
		while (cause != null && !(cause instanceof MqttConnectException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("MqttConnectException in %s", failure).isInstanceOf(MqttConnectException.class);
		return (MqttConnectException) cause;
	}

}
