package dev.mqttspring.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.event.MqttSubscriptionRefusedEvent;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker whose dynamic security ACL denies a filter: the refusal is logged with filter and reason,
 * published as an event, visible on the container, and fails start-up with
 * {@code mqtt.fail-fast=true}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttListenerRefusedSubscriptionTests {

	private static MosquittoBroker broker;

	private static final Path DYNAMIC_SECURITY_PLUGIN = Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");

	@BeforeAll
	static void startBroker() throws IOException {
		Assumptions.assumeTrue(Files.exists(DYNAMIC_SECURITY_PLUGIN), "mosquitto dynamic security plugin not installed");
		// a plain acl_file does not refuse subscriptions (mosquitto 2.0 grants them and filters
		// on delivery); the dynamic security plugin refuses them with SUBACK 0x87 / 0x80
		Path directory = Files.createTempDirectory("dynsec");
		Path config = directory.resolve("dynamic-security.json");
		Files.writeString(config, """
				{"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
				 "clients": [],
				 "groups": [{"groupname": "anonymous", "roles": [{"rolename": "restricted"}]}],
				 "roles": [{"rolename": "restricted", "acls": [{"acltype": "subscribePattern", "topic": "secret/#", "priority": 0, "allow": false}]}],
				 "anonymousGroup": "anonymous"}
				""");
		directory.toFile().setWritable(true, false);
		config.toFile().setWritable(true, false);
		broker = MosquittoBroker.builder()
			.config("plugin " + DYNAMIC_SECURITY_PLUGIN)
			.config("plugin_opt_config_file " + config)
			.start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@ParameterizedTest(name = "MQTT {0}")
	@CsvSource({ "5, not authorized (0x87)", "3.1.1, (0x80)" })
	void refusedSubscriptionIsReportedAndOthersWork(String version, String reason, CapturedOutput output) {
		ListenerTestSupport.runner(broker.url(), version, "unused")
			.withUserConfiguration(AclListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				MqttListenerContainer denied = registry.getListenerContainer("denied");
				assertThat(denied.isRunning()).isTrue();
				assertThat(denied.hasRefusedSubscriptions()).isTrue();
				assertThat(denied.getSubscriptionResults()).singleElement().satisfies((result) -> {
					assertThat(result.filter()).isEqualTo("secret/#");
					assertThat(result.isGranted()).isFalse();
					assertThat(result.reason()).contains(reason);
				});
				assertThat(registry.getListenerContainer("allowed").hasRefusedSubscriptions()).isFalse();
				List<MqttSubscriptionRefusedEvent> events = context.getBean(RefusedEvents.class).events;
				assertThat(events).singleElement().satisfies((event) -> {
					assertThat(event.getFilter()).isEqualTo("secret/#");
					assertThat(event.getReason()).contains(reason);
				});
				assertThat(output).contains("Listener 'denied'").contains("receives nothing from 'secret/#'").contains(reason);
				MqttConnection client = ListenerTestSupport.client(broker.url(), version);
				try {
					ListenerTestSupport.publish(client, "allowed/x", "fine");
					Recorder recorder = context.getBean(Recorder.class);
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.get("allowed").contains("fine"));
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "MQTT {0}")
	@CsvSource({ "5, not authorized (0x87)", "3.1.1, (0x80)" })
	void refusedSubscriptionFailsStartupWhenFailFast(String version, String reason) {
		ListenerTestSupport.runner(broker.url(), version, "unused")
			.withPropertyValues("mqtt.fail-fast=true")
			.withUserConfiguration(AclListeners.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Listener 'denied' (")
					.hasMessageContaining("AclListeners$Listeners.denied")
					.hasMessageContaining("the broker refused 'secret/#'")
					.hasMessageContaining(reason)
					.hasMessageContaining("mqtt.fail-fast=false");
			});
	}

	static class RefusedEvents implements ApplicationListener<MqttSubscriptionRefusedEvent> {

		final List<MqttSubscriptionRefusedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(MqttSubscriptionRefusedEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AclListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		RefusedEvents refusedEvents() {
			return new RefusedEvents();
		}

		@Bean
		Listeners listeners(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(id = "denied", topics = "secret/#")
			void denied(String payload) {
				this.recorder.add("denied", payload);
			}

			@MqttSubscribe(id = "allowed", topics = "allowed/#")
			void allowed(String payload) {
				this.recorder.add("allowed", payload);
			}

		}

	}

}
