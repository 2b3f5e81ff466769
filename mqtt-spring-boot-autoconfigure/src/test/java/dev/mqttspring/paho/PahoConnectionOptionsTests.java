package dev.mqttspring.paho;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MqttConnectionSettings} reaching Paho's MQTT 5 and MQTT 3.1.1 connect options.
 */
class PahoConnectionOptionsTests {

	@Test
	void v5Options() throws Exception {
		MqttConnectionSettings settings = settings();
		settings.setReceiveMaximum(20);
		PahoV5Adapter connection = v5Adapter(settings);
		MqttConnectionOptions options = connection.options();
		assertThat(options.getServerURIs()).containsExactly("tcp://127.0.0.1:1", "tcp://127.0.0.1:2");
		assertThat(options.getUserName()).isEqualTo("alice");
		assertThat(new String(options.getPassword(), StandardCharsets.UTF_8)).isEqualTo("s3cret");
		assertThat(options.getKeepAliveInterval()).isEqualTo(15);
		assertThat(options.getConnectionTimeout()).isEqualTo(3);
		assertThat(options.isCleanStart()).isFalse();
		assertThat(options.getSessionExpiryInterval()).isEqualTo(3600L);
		assertThat(options.isAutomaticReconnect()).as("our own reconnect loop, not Paho's").isFalse();
		assertThat(options.isHttpsHostnameVerificationEnabled()).isFalse();
		assertThat(options.getReceiveMaximum()).isEqualTo(20);
		assertThat(options.getWillDestination()).isEqualTo("status/app");
		assertThat(options.getWillMessage().getPayload()).isEqualTo("gone".getBytes(StandardCharsets.UTF_8));
		assertThat(options.getWillMessage().getQos()).isEqualTo(2);
		assertThat(options.getWillMessage().isRetained()).isTrue();
		assertNoDelay(options.getSocketFactory().createSocket());
	}

	@Test
	void v3Options() throws Exception {
		MqttConnectionSettings settings = settings();
		settings.setVersion(MqttVersion.V3_1_1);
		PahoV3Adapter connection = v3Adapter(settings);
		MqttConnectOptions options = connection.options();
		assertThat(options.getMqttVersion()).isEqualTo(MqttConnectOptions.MQTT_VERSION_3_1_1);
		assertThat(options.getServerURIs()).containsExactly("tcp://127.0.0.1:1", "tcp://127.0.0.1:2");
		assertThat(options.getUserName()).isEqualTo("alice");
		assertThat(options.getPassword()).containsExactly("s3cret".toCharArray());
		assertThat(options.getKeepAliveInterval()).isEqualTo(15);
		assertThat(options.getConnectionTimeout()).isEqualTo(3);
		assertThat(options.isCleanSession()).isFalse();
		assertThat(options.isAutomaticReconnect()).isFalse();
		assertThat(options.getMaxInflight()).isEqualTo(42);
		assertThat(options.isHttpsHostnameVerificationEnabled()).isFalse();
		assertThat(options.getWillDestination()).isEqualTo("status/app");
		assertThat(options.getWillMessage().getPayload()).isEqualTo("gone".getBytes(StandardCharsets.UTF_8));
		assertThat(options.getWillMessage().getQos()).isEqualTo(2);
		assertThat(options.getWillMessage().isRetained()).isTrue();
		assertNoDelay(options.getSocketFactory().createSocket());
	}

	@Test
	void passwordIsNotSharedWithTheSettings() {
		MqttConnectionSettings settings = settings();
		settings.setVersion(MqttVersion.V3_1_1);
		char[] password = v3Adapter(settings).options().getPassword();
		assertThat(password).isNotSameAs(settings.getPassword());
	}

	@Test
	void sslBundleFactoryIsWrappedKeepingTls() throws Exception {
		MqttConnectionSettings settings = settings();
		settings.setServerUris(List.of("ssl://127.0.0.1:8883"));
		SSLSocketFactory bundle = SSLContext.getDefault().getSocketFactory();
		settings.setSocketFactory(bundle);
		MqttConnectionOptions options = v5Adapter(settings).options();
		assertThat(options.getSocketFactory()).isInstanceOf(SSLSocketFactory.class).isNotSameAs(bundle);
		assertNoDelay(options.getSocketFactory().createSocket());
	}

	@Test
	void tlsWithoutBundleUsesTheDefaultTlsFactory() {
		MqttConnectionSettings settings = settings();
		settings.setServerUris(List.of("wss://127.0.0.1:443/mqtt"));
		assertThat(PahoConnections.usesTls(settings)).isTrue();
		assertThat(PahoConnections.socketFactory(settings)).isInstanceOf(SSLSocketFactory.class);
	}

	@Test
	void persistenceDirectoryDefaultsUnderTheTemporaryDirectory(/* no broker */) {
		MqttConnectionSettings settings = settings();
		assertThat(PahoConnections.persistenceDirectory(settings))
			.isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "mqtt-spring-boot").toAbsolutePath());
		settings.setPersistenceDirectory(Path.of("relative"));
		assertThat(PahoConnections.persistenceDirectory(settings)).isAbsolute();
	}

	private static void assertNoDelay(Socket socket) throws IOException {
		try (socket) {
			assertThat(socket.getTcpNoDelay()).isTrue();
		}
	}

	private static MqttConnectionSettings settings() {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of("tcp://127.0.0.1:1", "tcp://127.0.0.1:2"));
		settings.setClientId("options-test");
		settings.setUsername("alice");
		settings.setPassword("s3cret".toCharArray());
		settings.setKeepAlive(Duration.ofSeconds(15));
		settings.setConnectionTimeout(Duration.ofSeconds(3));
		settings.setCleanStart(false);
		settings.setSessionExpiry(Duration.ofHours(1));
		settings.setMaxInflight(42);
		settings.setHostnameVerification(false);
		settings.setWill(new MqttConnectionSettings.Will("status/app", "gone".getBytes(StandardCharsets.UTF_8), 2, true));
		return settings;
	}

	private static PahoV5Adapter v5Adapter(MqttConnectionSettings settings) {
		return (PahoV5Adapter) ((DefaultMqttConnection) PahoConnections.create(settings)).getClientAdapter();
	}

	private static PahoV3Adapter v3Adapter(MqttConnectionSettings settings) {
		return (PahoV3Adapter) ((DefaultMqttConnection) PahoConnections.create(settings)).getClientAdapter();
	}

}
