package dev.mqttspring.paho;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QoS 2 subscription on a persistent session warns when the in-memory store would lose
 * the QoS 2 messages in progress at a crash (Paho acknowledges their receipt before the
 * listener runs), and only then. Against mosquitto on 127.0.0.1:1883.
 */
@ExtendWith(OutputCaptureExtension.class)
class PahoQos2DurabilityWarningTests {

	private static final String WARNING = "mqtt.persistence.type=file to have such messages delivered again";

	@TempDir
	Path store;

	@ParameterizedTest(name = "MQTT {0}, QoS {1}, clean start {2}, {3} persistence: warns {4}")
	@CsvSource({ "5, 2, false, MEMORY, true", "3.1.1, 2, false, MEMORY, true", "5, 2, false, FILE, false",
			"3.1.1, 2, false, FILE, false", "5, 2, true, MEMORY, false", "5, 1, false, MEMORY, false" })
	void warnsOnlyWhenAQos2MessageInProgressWouldBeLostAtACrash(String version, int qos, boolean cleanStart,
			MqttConnectionSettings.Persistence persistence, boolean warns, CapturedOutput output) throws Exception {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of("tcp://127.0.0.1:1883"));
		settings.setClientId("qos2-warning-" + UUID.randomUUID().toString().substring(0, 8));
		settings.setVersion("5".equals(version) ? MqttVersion.V5 : MqttVersion.V3_1_1);
		settings.setCleanStart(cleanStart);
		settings.setPersistence(persistence);
		settings.setPersistenceDirectory(this.store);
		settings.setFailFast(true);
		MqttConnection connection = PahoConnections.create(settings);
		((SmartLifecycle) connection).start();
		try {
			String prefix = "warning/" + UUID.randomUUID();
			String filter = prefix + "/#";
			connection.subscribe(new MqttSubscription(filter, qos, (message) -> message.acknowledge(), "test"))
				.get(10, TimeUnit.SECONDS);
			connection.subscribe(new MqttSubscription(prefix + "/+/b", qos, (message) -> message.acknowledge(), "test"))
				.get(10, TimeUnit.SECONDS);
			if (warns) {
				assertThat(output.getAll()).containsOnlyOnce(WARNING).contains("'" + filter + "' is subscribed with QoS 2");
			}
			else {
				assertThat(output.getAll()).doesNotContain(WARNING);
			}
		}
		finally {
			((SmartLifecycle) connection).stop();
		}
	}

}
