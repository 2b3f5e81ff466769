package dev.mqttspring.hivemq;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttProperties;
import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Choosing the client library with {@code mqtt.client-library}: the HiveMQ client by
 * default, Paho when chosen, and a clear start-up error naming the property, the allowed
 * values and the dependency to add when the value is unknown or the library is missing.
 */
class HiveMqAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "mqtt.automatic-reconnect=false",
				"mqtt.connection-timeout=1s");

	@Test
	void hiveMqIsTheDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MqttConnection.class);
			assertThat(backend(context.getBean(MqttConnection.class))).isEqualTo("dev.mqttspring.hivemq");
			assertThat(context.getBean(MqttProperties.class).getClientLibrary())
				.isEqualTo(MqttProperties.ClientLibrary.HIVEMQ);
		});
	}

	@Test
	void hiveMqIsTheDefaultAlsoWhenPahoIsPresent() {
		// Paho on the classpath (it is, in this module's tests) no longer selects it
		assertThat(org.springframework.util.ClassUtils.isPresent("org.eclipse.paho.mqttv5.client.MqttAsyncClient", null))
			.isTrue();
		this.runner.withPropertyValues("mqtt.version=3.1.1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(((DefaultMqttConnection) context.getBean(MqttConnection.class)).getClientAdapter().getClass().getSimpleName()).isEqualTo("HiveMqV3Adapter");
		});
	}

	@Test
	void hiveMqWhenChosen() {
		this.runner.withPropertyValues("mqtt.client-library=hivemq").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MqttConnection.class);
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(((DefaultMqttConnection) connection).getClientAdapter().getClass().getSimpleName()).isEqualTo("HiveMqV5Adapter");
			assertThat(connection.isConnected()).isTrue();
		});
	}

	@Test
	void hiveMqForMqtt311WhenChosenInUpperCase() {
		this.runner.withPropertyValues("mqtt.client-library=HIVEMQ", "mqtt.version=3.1.1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(((DefaultMqttConnection) context.getBean(MqttConnection.class)).getClientAdapter().getClass().getSimpleName()).isEqualTo("HiveMqV3Adapter");
		});
	}

	@Test
	void pahoWhenChosen() {
		this.runner.withPropertyValues("mqtt.client-library=paho").run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(backend(connection)).isEqualTo("dev.mqttspring.paho");
			assertThat(connection.isConnected()).isTrue();
		});
	}

	@Test
	void pahoForMqtt311WhenChosen() {
		this.runner.withPropertyValues("mqtt.client-library=Paho", "mqtt.version=3.1.1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(((DefaultMqttConnection) context.getBean(MqttConnection.class)).getClientAdapter().getClass().getSimpleName()).isEqualTo("PahoV3Adapter");
		});
	}

	@Test
	void hiveMqByDefaultWhenPahoIsAbsent() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho")).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MqttConnection.class);
			assertThat(backend(context.getBean(MqttConnection.class))).isEqualTo("dev.mqttspring.hivemq");
		});
	}

	@Test
	void defaultWithoutTheHiveMqClientFailsNamingTheDependencyAndPaho() {
		this.runner.withClassLoader(new FilteredClassLoader("com.hivemq.client")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mqtt.client-library")
				.hasMessageContaining("com.hivemq:hivemq-mqtt-client")
				.hasMessageContaining("mqtt.client-library=paho")
				.hasMessageContaining("'hivemq'")
				.hasMessageContaining("'paho'");
		});
	}

	@Test
	void defaultWithoutAnyClientLibraryFailsNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho", "com.hivemq.client"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("mqtt.client-library")
					.hasMessageContaining("com.hivemq:hivemq-mqtt-client")
					.hasMessageNotContaining("=paho");
			});
	}

	@Test
	void userDefinedConnectionNeedsNoClientLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho", "com.hivemq.client"))
			.withBean(MqttConnection.class, dev.mqttspring.health.StubMqttConnection::new)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(MqttConnection.class));
	}

	@Test
	void chosenHiveMqClientMissingFailsWithTheDependencyToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("com.hivemq.client"))
			.withPropertyValues("mqtt.client-library=hivemq")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("mqtt.client-library")
					.hasMessageContaining("com.hivemq:hivemq-mqtt-client");
			});
	}

	@Test
	void chosenPahoMissingFailsWithTheDependenciesToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho"))
			.withPropertyValues("mqtt.client-library=paho")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("mqtt.client-library")
					.hasMessageContaining("org.eclipse.paho:org.eclipse.paho.mqttv5.client")
					.hasMessageContaining("org.eclipse.paho:org.eclipse.paho.client.mqttv3");
			});
	}

	@Test
	void chosenPahoWithoutItsMqtt311ClientFailsWithTheDependenciesToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho.client.mqttv3"))
			.withPropertyValues("mqtt.client-library=paho")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("org.eclipse.paho:org.eclipse.paho.client.mqttv3");
			});
	}

	@Test
	void unknownClientLibraryFailsNamingThePropertyAndTheAllowedValues() {
		this.runner.withPropertyValues("mqtt.client-library=hive").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("'hive'")
				.hasMessageContaining("mqtt.client-library")
				.hasMessageContaining("'hivemq'")
				.hasMessageContaining("'paho'");
		});
	}

	@Test
	void filePersistenceIsRefusedWithHiveMq() {
		this.runner.withPropertyValues("mqtt.client-library=hivemq", "mqtt.persistence.type=file").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("mqtt.persistence.type")
				.hasMessageContaining("mqtt.persistence.type=memory")
				.hasMessageContaining("mqtt.client-library=paho")
				.hasMessageContaining("mqtt.clean-start=false");
		});
	}

	@Test
	void sslBundleProvidesTrustAndKeyManagersForHiveMq() {
		java.nio.file.Path directory = createTempDirectory();
		dev.mqttspring.testsupport.TestCertificates certificates = dev.mqttspring.testsupport.TestCertificates
			.generate(directory);
		this.runner
			.withConfiguration(
					AutoConfigurations.of(org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration.class))
			.withPropertyValues("mqtt.url=ssl://127.0.0.1:1", "mqtt.ssl.bundle=client",
					"spring.ssl.bundle.pem.client.truststore.certificate=file:" + certificates.caCertificate(),
					"spring.ssl.bundle.pem.client.keystore.certificate=file:" + certificates.clientCertificate(),
					"spring.ssl.bundle.pem.client.keystore.private-key=file:" + certificates.clientPrivateKey())
			.run((context) -> {
				MqttConnectionSettings settings = context.getBean(MqttConnectionSettings.class);
				assertThat(settings.getSocketFactory()).isNotNull();
				assertThat(settings.getTrustManagerFactory()).isNotNull();
				assertThat(settings.getKeyManagerFactory()).isNotNull();
			});
	}

	private static java.nio.file.Path createTempDirectory() {
		try {
			return java.nio.file.Files.createTempDirectory("hivemq-certificates");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String backend(MqttConnection connection) {
		return ((DefaultMqttConnection) connection).getClientAdapter().getClass().getPackageName();
	}

}
