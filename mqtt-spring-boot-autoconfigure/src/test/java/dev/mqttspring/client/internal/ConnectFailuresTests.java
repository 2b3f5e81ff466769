package dev.mqttspring.client.internal;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttConnectException;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectFailures}.
 */
class ConnectFailuresTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	@Test
	void failureNamesServersClientCauseAndThePropertyToCheck() {
		this.settings.setClientId("failing");
		this.settings.setServerUris(List.of("tcp://a:1883", "tcp://b:1883"));
		ConnectFailures failures = new ConnectFailures(this.settings);
		MqttConnectException refused = failures.failure(new IOException("refused"), 0x86, "bad credentials");
		assertThat(refused).hasMessage("Could not connect to tcp://a:1883, tcp://b:1883 as client 'failing': bad credentials"
				+ "; check mqtt.username and mqtt.password");
		assertThat(refused.getReasonCode()).isEqualTo(0x86);
		assertThat(failures.failure(new IOException(), 0x87, "no")).hasMessageEndingWith("and the broker's ACL");
		assertThat(failures.failure(new IOException(), 0x85, "no")).hasMessageEndingWith("; check mqtt.client-id");
		assertThat(failures.failure(new IOException(), -1, "plain")).hasMessageEndingWith(": plain");
	}

	@Test
	void connectionClosedBeforeConnackSuggestsMqtt311OnlyForMqtt5() {
		this.settings.setVersion(MqttVersion.V5);
		IOException closed = new IOException("closed", new EOFException());
		assertThat(new ConnectFailures(this.settings).failure(closed, -1, "closed"))
			.hasMessageEndingWith("set mqtt.version=3.1.1");
		this.settings.setVersion(MqttVersion.V3_1_1);
		assertThat(new ConnectFailures(this.settings).failure(closed, -1, "closed")).hasMessageEndingWith(": closed");
	}

	@Test
	void credentialsFailureIsReportedAsItIs() {
		this.settings.setCredentialsProvider(() -> null);
		MqttConnectException failure = new ConnectCredentials(this.settings).fetch();
		assertThat(new ConnectFailures(this.settings).failure(failure, -1, "ignored")).isSameAs(failure);
	}

	@Test
	void connectedUriIsTheConfiguredOne() {
		this.settings.setServerUris(List.of("ws://127.0.0.1:8000/mqtt", "ws://localhost/mqtt"));
		ConnectFailures failures = new ConnectFailures(this.settings);
		assertThat(failures.configuredUri("ws://127.0.0.1:8000")).isEqualTo("ws://127.0.0.1:8000/mqtt");
		assertThat(failures.configuredUri("ws://localhost:80")).isEqualTo("ws://localhost/mqtt");
		assertThat(failures.configuredUri("tcp://elsewhere:1883")).isEqualTo("tcp://elsewhere:1883");
		assertThat(failures.configuredUri("not a uri")).isEqualTo("not a uri");
	}

}
