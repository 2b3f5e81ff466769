package dev.mqttspring.listener;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mqtt.max-inbound-packet-size}: on MQTT 5 the broker (mosquitto) honours the
 * Maximum Packet Size of the CONNECT and never sends a larger message; on MQTT 3.1.1 the
 * connection drops it before conversion, counts it for the listener and logs its topic and
 * size, and the next message arrives.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttListenerInboundLimitTests {

	@ParameterizedTest(name = "{0}, MQTT {1}")
	@CsvSource({ "hivemq, 5", "hivemq, 3.1.1", "paho, 5", "paho, 3.1.1" })
	void messageLargerThanTheLimitIsDroppedAndTheNextArrives(String library, String version, CapturedOutput output) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.MOSQUITTO_URL, version, prefix)
			.withPropertyValues("mqtt.client-library=" + library, "mqtt.max-inbound-packet-size=1KB")
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
					.getListenerContainer("limited");
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, version);
				try {
					String big = "b".repeat(2048);
					ListenerTestSupport.publish(client, prefix + "/in/qos1", big, 1, MqttMessageProperties.NONE);
					ListenerTestSupport.publish(client, prefix + "/in/qos0", big, 0, MqttMessageProperties.NONE);
					ListenerTestSupport.publish(client, prefix + "/in/small", "small");
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("in").contains("small"));
					assertThat(recorder.get("in")).containsExactly("small");
					if (version.equals("5")) {
						assertThat(container.getTooLargeCount()).as("discarded by the broker").isZero();
					}
					else {
						assertThat(container.getTooLargeCount()).isEqualTo(2);
						assertThat(output).contains("dropped an incoming message on '" + prefix + "/in/qos1' (QoS 1, 2")
							.contains("larger than mqtt.max-inbound-packet-size (1024 bytes)")
							.doesNotContain(big);
					}
					assertThat(context.getBean(MqttConnection.class).getReconnectCount()).isZero();
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listener listener(Recorder recorder) {
			return new Listener(recorder);
		}

	}

	static class Listener {

		private final Recorder recorder;

		Listener(Recorder recorder) {
			this.recorder = recorder;
		}

		@MqttSubscribe(id = "limited", topics = "${test.prefix}/in/#", qos = 1)
		void in(String payload) {
			this.recorder.add("in", payload);
		}

	}

}
