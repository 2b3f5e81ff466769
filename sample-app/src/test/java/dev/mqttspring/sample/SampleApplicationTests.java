package dev.mqttspring.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.mqttspring.core.MqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "mqtt.embedded.port=0")
class SampleApplicationTests {

	@Autowired
	private MqttConnection connection;

	@Test
	void connectsToTheEmbeddedBroker() {
		assertThat(this.connection.isConnected()).isTrue();
		assertThat(this.connection.getConnectedServerUri()).startsWith("tcp://127.0.0.1:");
	}

}
