package dev.mqttspring.paho;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the failure descriptions of {@link PahoConnections}.
 */
class PahoConnectionsTests {

	@Test
	void reasonCodeIsDescribedInWords() {
		assertThat(PahoConnections.describe(new RuntimeException("x"), 0x86)).isEqualTo("bad user name or password (0x86)");
	}

	@Test
	void clientExceptionOfMqtt5IsNotDescribedAsSuccess() {
		org.eclipse.paho.mqttv5.common.MqttException ex = new org.eclipse.paho.mqttv5.common.MqttException(
				new SSLHandshakeException("PKIX path building failed"));
		PahoV5Adapter connection = (PahoV5Adapter) adapter(new dev.mqttspring.core.MqttConnectionSettings());
		assertThat(connection.reasonCodeOf(ex)).isEqualTo(-1);
		assertThat(connection.describe(ex)).isEqualTo("SSLHandshakeException PKIX path building failed");
	}

	@Test
	void clientExceptionOfMqtt3NamesTheCause() {
		org.eclipse.paho.client.mqttv3.MqttException ex = new org.eclipse.paho.client.mqttv3.MqttException(
				new SSLHandshakeException("PKIX path building failed"));
		PahoV3Adapter connection = (PahoV3Adapter) adapter(v3());
		assertThat(connection.reasonCodeOf(ex)).isEqualTo(-1);
		assertThat(connection.describe(ex)).isEqualTo("SSLHandshakeException PKIX path building failed");
	}

	@Test
	void enhancedAuthenticatorIsRefusedByAConnectionBuiltByHand() {
		dev.mqttspring.core.MqttConnectionSettings settings = new dev.mqttspring.core.MqttConnectionSettings();
		settings.setEnhancedAuthenticator(new dev.mqttspring.core.MqttEnhancedAuthenticator() {

			@Override
			public String getMethod() {
				return "TEST";
			}

			@Override
			public byte[] initialData(boolean reauthentication) {
				return null;
			}

			@Override
			public byte[] challenge(byte[] serverData) {
				return null;
			}

		});
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> PahoConnections.create(settings))
			.withMessageContaining("PahoV5Adapter")
			.withMessageContaining("needs MQTT 5 and the HiveMQ client library");
	}

	@Test
	void refusedConnectOfMqtt3IsMappedToMqtt5ReasonCodes() {
		PahoV3Adapter connection = (PahoV3Adapter) adapter(v3());
		assertThat(connection.reasonCodeOf(new org.eclipse.paho.client.mqttv3.MqttException(4))).isEqualTo(0x86);
		assertThat(connection.reasonCodeOf(new org.eclipse.paho.client.mqttv3.MqttException(5))).isEqualTo(0x87);
		assertThat(connection.describe(new org.eclipse.paho.client.mqttv3.MqttException(5))).contains("not authorized");
	}

	private static dev.mqttspring.client.MqttClientAdapter<?> adapter(dev.mqttspring.core.MqttConnectionSettings settings) {
		return ((dev.mqttspring.client.DefaultMqttConnection) PahoConnections.create(settings)).getClientAdapter();
	}

	private static dev.mqttspring.core.MqttConnectionSettings v3() {
		dev.mqttspring.core.MqttConnectionSettings settings = new dev.mqttspring.core.MqttConnectionSettings();
		settings.setVersion(dev.mqttspring.core.MqttVersion.V3_1_1);
		return settings;
	}

}
