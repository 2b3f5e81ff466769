package dev.mqttspring.hivemq;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.testsupport.FreePorts;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HiveMqClientBuilderCustomizer} beans reach the HiveMQ client builder (the
 * counterpart of Paho's socket factory): applied in order, once per server URI, after the
 * starter's settings, against a mosquitto process.
 */
class HiveMqClientBuilderCustomizerTests {

	private static MosquittoBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = MosquittoBroker.builder().start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.automatic-reconnect=false", "mqtt.connection-timeout=5s", "mqtt.fail-fast=true");

	@Test
	void customizerSetsTheLocalAddressOfTheTransport() throws Exception {
		InetAddress local = InetAddress.getByName("127.0.0.2");
		// what a Paho user did with a socket factory that binds: the broker sees the address
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-id=customized-local-address")
			.withBean(HiveMqClientBuilderCustomizer.class,
					() -> (builder) -> builder.transportConfig()
						.localAddress(local)
						.applyTransportConfig())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> broker.log().contains("New client connected from 127.0.0.2"));
				assertThat(broker.log()).contains("as customized-local-address");
			});
	}

	@Test
	void customizersApplyInOrderForEveryServerUri() {
		String dead = "tcp://127.0.0.1:" + FreePorts.find();
		this.runner.withPropertyValues("mqtt.url=" + dead + "," + broker.url())
			.withUserConfiguration(OrderedCustomizers.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OrderedCustomizers customizers = context.getBean(OrderedCustomizers.class);
				assertThat(customizers.calls).containsExactly("first", "second", "first", "second");
				// a listener a customizer added sees the connection to the second URI
				await().atMost(Duration.ofSeconds(10)).until(() -> customizers.connected.get() == 1);
			});
	}

	@Test
	void customizersAreIgnoredWithPaho() {
		this.runner.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.client-library=paho")
			.withUserConfiguration(OrderedCustomizers.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(OrderedCustomizers.class).calls).isEmpty();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedCustomizers {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final AtomicInteger connected = new AtomicInteger();

		@Bean
		@Order(2)
		HiveMqClientBuilderCustomizer second() {
			return (builder) -> {
				this.calls.add("second");
				builder.addConnectedListener((connectedContext) -> this.connected.incrementAndGet());
			};
		}

		@Bean
		@Order(1)
		HiveMqClientBuilderCustomizer first() {
			return (builder) -> this.calls.add("first");
		}

	}

}
