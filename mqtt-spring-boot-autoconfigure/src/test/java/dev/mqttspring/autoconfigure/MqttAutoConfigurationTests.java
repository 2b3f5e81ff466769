package dev.mqttspring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

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
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.converter.MessageConverter;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Wiring tests for {@link MqttAutoConfiguration} and
 * {@link MqttEmbeddedBrokerAutoConfiguration}. None of them needs a broker: they point at
 * a closed port without automatic reconnect, or inspect the settings only.
 */
class MqttAutoConfigurationTests {

	private static final int CLOSED_PORT = FreePorts.find();

	private static final String CLOSED_URL = "tcp://127.0.0.1:" + CLOSED_PORT;

	@TempDir
	static Path certificateDirectory;

	private static TestCertificates certificates;

	@BeforeAll
	static void generateCertificates() {
		certificates = TestCertificates.generate(certificateDirectory);
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=" + CLOSED_URL, "mqtt.automatic-reconnect=false", "mqtt.connection-timeout=2s");

	// ---- defaults

	@Test
	void defaults() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(MqttConnectionSettings.class)
				.hasSingleBean(MqttConnection.class)
				.hasSingleBean(PropertiesMqttConnectionDetails.class)
				.hasBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME)
				.doesNotHaveBean(EmbeddedMqttBroker.class);
			assertThat(context.getBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME))
				.isInstanceOf(MessageConverter.class);
			MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
			assertThat(settings.getServerUris()).containsExactly(CLOSED_URL);
			assertThat(settings.getClientId()).matches("mqtt-[0-9a-f]{8}");
			assertThat(settings.getUsername()).isNull();
			assertThat(settings.getPassword()).isNull();
			assertThat(settings.getVersion()).isEqualTo(MqttVersion.V5);
			assertThat(settings.getKeepAlive()).isEqualTo(Duration.ofSeconds(60));
			assertThat(settings.isCleanStart()).isTrue();
			assertThat(settings.getSessionExpiry()).isZero();
			assertThat(settings.getReconnectMinDelay()).isEqualTo(Duration.ofSeconds(1));
			assertThat(settings.getReconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.getMaxInflight()).isEqualTo(1000);
			assertThat(settings.getOfflineBufferSize()).isEqualTo(100_000);
			assertThat(settings.getOfflineBufferMemory()).isEqualTo(32L * 1024 * 1024);
			assertThat(settings.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(settings.getPublishTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.getPublishMaxBlock()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.isFailFast()).isFalse();
			assertThat(settings.getMaxQos()).isEqualTo(2);
			assertThat(settings.getMaxInboundPacketSize()).isEqualTo(4L * 1024 * 1024);
			assertThat(settings.getWill()).isNull();
			assertThat(settings.getSocketFactory()).isNull();
			assertThat(settings.isHostnameVerification()).isTrue();
			assertThat(settings.getPersistence()).isEqualTo(MqttConnectionSettings.Persistence.MEMORY);
			assertThat(settings.getPersistenceDirectory()).isNull();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.getClientId()).isEqualTo(settings.getClientId());
			assertThat(connection.getServerUris()).containsExactly(CLOSED_URL);
		});
	}

	@Test
	void defaultsWithoutAnyProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withBean(MqttConnection.class, () -> mock(MqttConnection.class))
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getServerUris()).containsExactly("tcp://localhost:1883");
				assertThat(settings.isAutomaticReconnect()).isTrue();
				assertThat(settings.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void defaultClientIdIsApplicationNamePlusRandomSuffixAndDiffersBetweenInstances() {
		List<String> ids = new ArrayList<>();
		ApplicationContextRunner named = this.runner.withPropertyValues("spring.application.name=orders");
		named.run((context) -> ids.add(context.getBean(MqttConnectionSettings.class).getClientId()));
		named.run((context) -> ids.add(context.getBean(MqttConnectionSettings.class).getClientId()));
		assertThat(ids).hasSize(2).allSatisfy((id) -> assertThat(id).matches("orders-[0-9a-f]{8}"));
		assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
	}

	// ---- properties

	@Test
	void everyPropertyReachesTheSettings(@TempDir Path persistence) {
		// file persistence is Paho's (the HiveMQ client refuses it at start-up)
		this.runner.withPropertyValues("mqtt.client-library=paho", "mqtt.url=" + CLOSED_URL + " , tcp://127.0.0.1:" + FreePorts.find(),
				"mqtt.client-id=app-1", "mqtt.username=alice", "mqtt.password=s3cret", "mqtt.version=3.1.1",
				"mqtt.keep-alive=15s", "mqtt.connection-timeout=3s", "mqtt.clean-start=false", "mqtt.session-expiry=1h",
				"mqtt.automatic-reconnect=false", "mqtt.reconnect-delay=250ms", "mqtt.max-reconnect-delay=5s",
				"mqtt.max-inflight=42", "mqtt.offline-buffer-size=7", "mqtt.max-qos=1", "mqtt.max-packet-size=64KB",
				"mqtt.offline-buffer-memory=2MB", "mqtt.template.max-block=750ms",
				"mqtt.shutdown-timeout=500ms", "mqtt.template.timeout=4s", "mqtt.fail-fast=false",
				"mqtt.will.topic=status/app-1", "mqtt.will.payload=gone", "mqtt.will.qos=2", "mqtt.will.retain=true",
				"mqtt.persistence.type=file", "mqtt.persistence.directory=" + persistence,
				"mqtt.ssl.hostname-verification=false")
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getServerUris()).hasSize(2).first().isEqualTo(CLOSED_URL);
				assertThat(settings.getClientId()).isEqualTo("app-1");
				assertThat(settings.getUsername()).isEqualTo("alice");
				assertThat(settings.getPassword()).containsExactly("s3cret".toCharArray());
				assertThat(settings.getVersion()).isEqualTo(MqttVersion.V3_1_1);
				assertThat(settings.getKeepAlive()).isEqualTo(Duration.ofSeconds(15));
				assertThat(settings.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.isCleanStart()).isFalse();
				assertThat(settings.getSessionExpiry()).isEqualTo(Duration.ofHours(1));
				assertThat(settings.isAutomaticReconnect()).isFalse();
				assertThat(settings.getReconnectMinDelay()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.getReconnectMaxDelay()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.getMaxInflight()).isEqualTo(42);
				assertThat(settings.getOfflineBufferSize()).isEqualTo(7);
				assertThat(settings.getOfflineBufferMemory()).isEqualTo(2 * 1024 * 1024);
				assertThat(settings.getPublishMaxBlock()).isEqualTo(Duration.ofMillis(750));
				assertThat(settings.getMaxQos()).isEqualTo(1);
				assertThat(settings.getMaxPacketSize()).isEqualTo(64 * 1024);
				assertThat(settings.getShutdownTimeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(settings.getPublishTimeout()).isEqualTo(Duration.ofSeconds(4));
				assertThat(settings.isFailFast()).isFalse();
				MqttConnectionSettings.Will will = settings.getWill();
				assertThat(will).isNotNull();
				assertThat(will.topic()).isEqualTo("status/app-1");
				assertThat(new String(will.payload(), StandardCharsets.UTF_8)).isEqualTo("gone");
				assertThat(will.qos()).isEqualTo(2);
				assertThat(will.retain()).isTrue();
				assertThat(settings.getPersistence()).isEqualTo(MqttConnectionSettings.Persistence.FILE);
				assertThat(settings.getPersistenceDirectory()).isEqualTo(persistence);
				assertThat(settings.isHostnameVerification()).isFalse();
				assertThat(context.getBean(MqttConnection.class).getVersion()).isEqualTo(MqttVersion.V3_1_1);
			});
	}

	@Test
	void sslBundleGivesTheSocketFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=ssl://127.0.0.1:" + CLOSED_PORT, "mqtt.automatic-reconnect=false",
					"mqtt.ssl.bundle=broker",
					"spring.ssl.bundle.pem.broker.truststore.certificate=file:" + certificates.caCertificate())
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getSocketFactory()).isInstanceOf(SSLSocketFactory.class);
				assertThat(settings.isHostnameVerification()).isTrue();
			});
	}

	@Test
	void sslBundleWithPlainUrlIsRejected() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + CLOSED_URL, "mqtt.ssl.bundle=broker",
					"spring.ssl.bundle.pem.broker.truststore.certificate=file:" + certificates.caCertificate())
			.run((context) -> assertInvalid(context, "mqtt.url", CLOSED_URL, "does not use TLS"));
	}

	@Test
	void sslBundleWithoutSslBundlesIsRejected() {
		this.runner.withPropertyValues("mqtt.url=ssl://127.0.0.1:" + CLOSED_PORT, "mqtt.ssl.bundle=missing")
			.run((context) -> assertInvalid(context, "mqtt.ssl.bundle", "missing", "spring.ssl.bundle"));
	}

	// ---- back-off and customizers

	@Test
	void userConnectionDetailsWin() {
		String url = "tcp://127.0.0.1:" + FreePorts.find();
		this.runner.withBean(MqttConnectionDetails.class, () -> new MqttConnectionDetails() {

			@Override
			public List<String> getServerUris() {
				return List.of(url);
			}

			@Override
			public String getUsername() {
				return "details-user";
			}

		}).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionDetails.class)
				.doesNotHaveBean(PropertiesMqttConnectionDetails.class);
			MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
			assertThat(settings.getServerUris()).containsExactly(url);
			assertThat(settings.getUsername()).isEqualTo("details-user");
		});
	}

	@Test
	void userSettingsWin() {
		MqttConnectionSettings own = new MqttConnectionSettings();
		own.setServerUris(List.of(CLOSED_URL));
		own.setClientId("own");
		own.setAutomaticReconnect(false);
		this.runner.withBean(MqttConnectionSettings.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnectionSettings.class);
			assertThat(context.getBean(MqttConnectionSettings.class)).isSameAs(own);
			assertThat(context.getBean(MqttConnection.class).getClientId()).isEqualTo("own");
		});
	}

	@Test
	void userConnectionWins() {
		MqttConnection own = mock(MqttConnection.class);
		this.runner.withBean(MqttConnection.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(MqttConnection.class);
			assertThat(context.getBean(MqttConnection.class)).isSameAs(own);
		});
	}

	@Test
	void userMessageConverterWins() {
		MessageConverter own = mock(MessageConverter.class);
		this.runner.withBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class, () -> own)
			.run((context) -> assertThat(context.getBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME)).isSameAs(own));
	}

	@Test
	void customizersAreAppliedInOrder() {
		this.runner.withUserConfiguration(CustomizersConfiguration.class).run((context) -> {
			MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
			assertThat(settings.getClientId()).isEqualTo("first-second");
			assertThat(settings.getMaxInflight()).isEqualTo(7);
			assertThat(context.getBean(MqttConnection.class).getClientId()).isEqualTo("first-second");
		});
	}

	// ---- optional classes

	@Test
	void runsWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
				"org.springframework.boot.health", "io.micrometer"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(MqttConnection.class);
			});
	}

	@Test
	void runsWithoutEmbeddedBrokerOnTheClasspath() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("com.hivemq.embedded"))
			.withPropertyValues("mqtt.automatic-reconnect=false", "mqtt.connection-timeout=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(EmbeddedMqttBroker.class).hasSingleBean(MqttConnection.class);
				assertThat(context.getBean(MqttConnectionSettings.class).getServerUris())
					.containsExactly("tcp://localhost:1883");
			});
	}

	@Test
	void failsWithoutAClientLibraryNamingTheDependency() {
		// more cases in HiveMqAutoConfigurationTests
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho", "com.hivemq.client")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mqtt.client-library")
				.hasMessageContaining("com.hivemq:hivemq-mqtt-client");
		});
	}

	// ---- embedded broker rules

	@Test
	void embeddedBrokerStartsWhenNoUrlIsSet() {
		embeddedRunner().run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedMqttBroker.class);
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(broker.isRunning()).isTrue();
			assertThat(broker.getPort()).isPositive();
			assertThat(context.getBean(MqttConnectionSettings.class).getServerUris()).containsExactly(broker.getUrl());
			assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
		});
	}

	@Test
	void embeddedBrokerDoesNotStartWhenUrlIsSet() {
		embeddedRunner().withPropertyValues("mqtt.url=" + CLOSED_URL, "mqtt.automatic-reconnect=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedMqttBroker.class);
				assertThat(context.getBean(MqttConnectionSettings.class).getServerUris()).containsExactly(CLOSED_URL);
			});
	}

	@Test
	void embeddedBrokerDoesNotStartWhenDisabled() {
		embeddedRunner().withPropertyValues("mqtt.embedded.enabled=false", "mqtt.automatic-reconnect=false",
				"mqtt.connection-timeout=1s")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(EmbeddedMqttBroker.class);
				assertThat(context.getBean(MqttConnectionSettings.class).getServerUris())
					.containsExactly("tcp://localhost:1883");
			});
	}

	@Test
	void embeddedBrokerStartsWhenEnabledEvenWithUrl() {
		embeddedRunner().withPropertyValues("mqtt.embedded.enabled=true", "mqtt.url=" + CLOSED_URL).run((context) -> {
			assertThat(context).hasSingleBean(EmbeddedMqttBroker.class);
			EmbeddedMqttBroker broker = context.getBean(EmbeddedMqttBroker.class);
			assertThat(context.getBean(MqttConnectionSettings.class).getServerUris()).containsExactly(broker.getUrl());
			assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
		});
	}

	private ApplicationContextRunner embeddedRunner() {
		return new ApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class));
	}

	// ---- invalid values

	@Test
	void unknownUrlSchemeIsRejected() {
		this.runner.withPropertyValues("mqtt.url=http://127.0.0.1:1883")
			.run((context) -> assertInvalid(context, "mqtt.url", "http://127.0.0.1:1883", "tcp://, ssl://, ws:// or wss://"));
	}

	@Test
	void urlWithoutHostIsRejected() {
		this.runner.withPropertyValues("mqtt.url=tcp:///nohost")
			.run((context) -> assertInvalid(context, "mqtt.url", "tcp:///nohost", "no host"));
	}

	@Test
	void mixedTlsAndPlainFailoverListIsRejected() {
		this.runner.withPropertyValues("mqtt.url=ssl://127.0.0.1:8883,tcp://127.0.0.1:1883")
			.run((context) -> assertInvalid(context, "mqtt.url", "ssl://127.0.0.1:8883,tcp://127.0.0.1:1883",
					"all TLS (ssl://, wss://) or all plain (tcp://, ws://)"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "mqtt.will.qos", "mqtt.template.qos", "mqtt.max-qos" })
	void qos3IsRejected(String property) {
		this.runner.withPropertyValues(property + "=3", "mqtt.will.topic=status/app")
			.run((context) -> assertInvalid(context, property, "3", "QoS 0 (at most once), 1 (at least once) or 2"));
	}

	@ParameterizedTest
	@CsvSource({ "mqtt.keep-alive, zero or positive", "mqtt.connection-timeout, positive",
			"mqtt.session-expiry, zero or positive", "mqtt.reconnect-delay, positive",
			"mqtt.max-reconnect-delay, positive", "mqtt.shutdown-timeout, zero or positive",
			"mqtt.template.timeout, positive" })
	void negativeDurationIsRejected(String property, String rule) {
		this.runner.withPropertyValues(property + "=-5s")
			.run((context) -> assertInvalid(context, property, "PT-5S", "must be " + rule));
	}

	@Test
	void keepAliveAboveProtocolMaximumIsRejected() {
		this.runner.withPropertyValues("mqtt.keep-alive=70000s")
			.run((context) -> assertInvalid(context, "mqtt.keep-alive", "PT19H26M40S", "65535 seconds"));
	}

	@Test
	void protocolIntervalsWithoutUnitAreSeconds() {
		this.runner.withPropertyValues("mqtt.keep-alive=60", "mqtt.clean-start=false", "mqtt.client-id=app-1",
				"mqtt.session-expiry=3600")
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getKeepAlive()).isEqualTo(Duration.ofSeconds(60));
				assertThat(settings.getSessionExpiry()).isEqualTo(Duration.ofHours(1));
			});
	}

	@Test
	void otherDurationsWithoutUnitAreMilliseconds() {
		this.runner.withPropertyValues("mqtt.connection-timeout=1500", "mqtt.reconnect-delay=250",
				"mqtt.max-reconnect-delay=5000", "mqtt.shutdown-timeout=500", "mqtt.template.timeout=4000")
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getConnectionTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(settings.getReconnectMinDelay()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.getReconnectMaxDelay()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.getShutdownTimeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(settings.getPublishTimeout()).isEqualTo(Duration.ofSeconds(4));
			});
	}

	@Test
	void zeroKeepAliveTurnsItOff() {
		this.runner.withPropertyValues("mqtt.keep-alive=0")
			.run((context) -> assertThat(context.getBean(MqttConnectionSettings.class).getKeepAlive()).isZero());
	}

	@ParameterizedTest
	@CsvSource({ "mqtt.keep-alive, 500ms, PT0.5S, a value under 1 second would be sent as 0",
			"mqtt.session-expiry, 999ms, PT0.999S, a value under 1 second would be sent as 0",
			"mqtt.keep-alive, 1500ms, PT1.5S, use a whole number of seconds",
			"mqtt.keep-alive, 65536, PT18H12M16S, at most 65535 seconds",
			"mqtt.session-expiry, 4294967296, PT1193046H28M16S, at most 4294967295 seconds" })
	void protocolIntervalOutOfRangeIsRejected(String property, String value, String shown, String rule) {
		this.runner.withPropertyValues(property + "=" + value)
			.run((context) -> assertInvalid(context, property, shown, rule));
	}

	@ParameterizedTest
	@ValueSource(strings = { "status/+/app", "status/#" })
	void willTopicWithWildcardIsRejected(String topic) {
		this.runner.withPropertyValues("mqtt.will.topic=" + topic)
			.run((context) -> assertInvalid(context, "mqtt.will.topic", topic, "wildcards are only allowed in subscriptions"));
	}

	@Test
	void persistentV5SessionWithZeroExpiryIsRejected() {
		this.runner.withPropertyValues("mqtt.clean-start=false", "mqtt.client-id=app-1")
			.run((context) -> assertInvalid(context, "mqtt.session-expiry", "PT0S", "mqtt.clean-start=false"));
	}

	@Test
	void persistentV3SessionWithZeroExpiryIsAccepted() {
		this.runner.withPropertyValues("mqtt.clean-start=false", "mqtt.client-id=app-1", "mqtt.version=3.1.1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void persistentSessionWithoutClientIdIsRejected() {
		this.runner.withPropertyValues("mqtt.clean-start=false", "mqtt.session-expiry=1h")
			.run((context) -> assertInvalid(context, "mqtt.client-id", "null", "needs a fixed client id"));
	}

	@Test
	void unknownVersionIsRejected() {
		this.runner.withPropertyValues("mqtt.version=4")
			.run((context) -> assertInvalid(context, "mqtt.version", "4", "use 5 (MQTT 5.0, the default) or 3.1.1"));
	}

	@ParameterizedTest
	@CsvSource({ "mqtt.max-inflight, 0, 1 to 65535", "mqtt.max-inflight, 70000, 1 to 65535",
			"mqtt.offline-buffer-size, -1, 0 (no buffering) or more", "mqtt.max-packet-size, 8B, at least 16B",
			"mqtt.offline-buffer-memory, -1B, 0 (no buffering) or a size",
			"mqtt.outbox.sync-interval, -1000ms, 0 (force every write to the disk) or a positive duration",
			"mqtt.max-inbound-packet-size, 8B, from 16B to 256MB", "mqtt.max-inbound-packet-size, 268435461B, from 16B to 256MB",
			"mqtt.listener.queue-memory, 0B, a positive size" })
	void outOfRangeNumberIsRejected(String property, String value, String rule) {
		this.runner.withPropertyValues(property + "=" + value)
			.run((context) -> assertInvalid(context, property, value, rule));
	}

	@Test
	void twoEnhancedAuthenticatorsForTheDefaultConnectionFail() {
		this.runner.withBean("first", dev.mqttspring.core.MqttEnhancedAuthenticator.class, TestAuthenticator::new)
			.withBean("second", dev.mqttspring.core.MqttEnhancedAuthenticator.class, TestAuthenticator::new)
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = findInvalid(context);
				assertThat(ex.getMessage()).contains("2 MqttEnhancedAuthenticator beans [first, second]")
					.contains("<name>MqttEnhancedAuthenticator");
			});
	}

	static class TestAuthenticator implements dev.mqttspring.core.MqttEnhancedAuthenticator {

		@Override
		public String getMethod() {
			return "TEST";
		}

		@Override
		public byte[] initialData(boolean reauthentication) {
			return new byte[0];
		}

		@Override
		public byte[] challenge(byte[] serverData) {
			return new byte[0];
		}

	}

	@Test
	void twoCredentialsProvidersForTheDefaultConnectionFail() {
		this.runner
			.withBean("first", dev.mqttspring.core.MqttCredentialsProvider.class,
					() -> () -> dev.mqttspring.core.MqttCredentials.of("a", "b"))
			.withBean("second", dev.mqttspring.core.MqttCredentialsProvider.class,
					() -> () -> dev.mqttspring.core.MqttCredentials.of("a", "b"))
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = findInvalid(context);
				assertThat(ex.getMessage()).contains("2 MqttCredentialsProvider beans [first, second]")
					.contains("<name>MqttCredentialsProvider");
			});
	}

	@Test
	void credentialsProviderReachesTheSettings() {
		dev.mqttspring.core.MqttCredentialsProvider provider = () -> dev.mqttspring.core.MqttCredentials.of("a", "b");
		this.runner.withBean(dev.mqttspring.core.MqttCredentialsProvider.class, () -> provider)
			.withPropertyValues("mqtt.credentials-renewal-margin=30s")
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getCredentialsProvider()).isSameAs(provider);
				assertThat(settings.getCredentialsRenewalMargin()).isEqualTo(java.time.Duration.ofSeconds(30));
			});
	}

	@Test
	void outboxNeedsADirectory() {
		this.runner.withPropertyValues("mqtt.outbox.enabled=true").run((context) -> {
			InvalidConfigurationPropertyValueException ex = findInvalid(context);
			assertThat(ex.getName()).isEqualTo("mqtt.outbox.directory");
			assertThat(ex.getMessage()).contains("mqtt.outbox.enabled=true needs a directory that survives a restart");
		});
		this.runner.withPropertyValues("mqtt.outbox.enabled=true", "mqtt.outbox.directory=" + certificateDirectory.resolve("outbox"), "mqtt.outbox.max-size=10B")
			.run((context) -> assertInvalid(context, "mqtt.outbox.max-size", "10B", "at least 1KB"));
	}

	@Test
	void outboxPropertiesReachTheSettingsOnlyWhenEnabled(@TempDir Path outbox) {
		this.runner.withPropertyValues("mqtt.outbox.directory=" + outbox).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(MqttConnectionSettings.class).getOutboxDirectory()).isNull();
		});
		this.runner.withPropertyValues("mqtt.outbox.enabled=true", "mqtt.outbox.directory=" + outbox,
				"mqtt.outbox.max-size=8MB", "mqtt.outbox.sync-interval=0").run((context) -> {
					MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
					assertThat(settings.getOutboxDirectory()).isEqualTo(outbox);
					assertThat(settings.getOutboxMaxSize()).isEqualTo(8L * 1024 * 1024);
					assertThat(settings.getOutboxSyncInterval()).isZero();
				});
	}

	@Test
	void failureAnalyzerNamesPropertyValueAndRule() {
		this.runner.withPropertyValues("mqtt.will.qos=3", "mqtt.will.topic=status/app").run((context) -> {
			InvalidConfigurationPropertyValueException ex = findInvalid(context);
			FailureAnalysis analysis = StartupFailureAnalysis.of(context);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("mqtt.will.qos").contains("'3'");
			assertThat(analysis.getDescription()).contains("mqtt.will.qos").contains(ex.getReason());
		});
	}

	// ---- secrets

	@Test
	void passwordIsNeverInToString() {
		this.runner.withPropertyValues("mqtt.username=alice", "mqtt.password=TopSecret-42").run((context) -> {
			assertThat(context.getBean(MqttConnectionSettings.class).toString()).contains("alice")
				.doesNotContain("TopSecret-42");
			assertThat(context.getBean(MqttProperties.class).toString()).contains("alice").doesNotContain("TopSecret-42");
			assertThat(context.getBean(MqttConnectionDetails.class).toString()).doesNotContain("TopSecret-42");
			assertThat(context.getBean(MqttConnection.class).toString()).doesNotContain("TopSecret-42");
		});
	}

	@Test
	void passwordIsNeverInAFailureMessage() {
		this.runner.withPropertyValues("mqtt.password=TopSecret-42", "mqtt.url=http://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null) {
					assertThat(String.valueOf(failure.getMessage())).doesNotContain("TopSecret-42");
					failure = failure.getCause();
				}
			});
	}

	// ---- helpers

	private static void assertInvalid(AssertableApplicationContext context, String property, String value, String rule) {
		assertThat(context).hasFailed();
		InvalidConfigurationPropertyValueException ex = findInvalid(context);
		assertThat(ex.getName()).isEqualTo(property);
		assertThat(ex.getMessage()).contains("Property " + property + " ").contains("'" + value + "'").contains(rule);
	}

	private static InvalidConfigurationPropertyValueException findInvalid(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidConfigurationPropertyValueException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("InvalidConfigurationPropertyValueException in %s", failure).isNotNull();
		return (InvalidConfigurationPropertyValueException) cause;
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		@Bean
		@Order(2)
		MqttConnectionCustomizer second() {
			return (settings) -> {
				settings.setClientId(settings.getClientId() + "-second");
				settings.setMaxInflight(settings.getMaxInflight() * 7);
			};
		}

		@Bean
		@Order(1)
		MqttConnectionCustomizer first() {
			return (settings) -> {
				settings.setClientId("first");
				settings.setMaxInflight(1);
			};
		}

	}

}
