package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.support.MqttHeaders;
import dev.mqttspring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MQTT 5 subscription options of {@code @MqttSubscribe} against mosquitto, on both client
 * libraries, each with the option on and off: No Local, Retain As Published, Retain
 * Handling (on a repeated SUBSCRIBE and on the SUBSCRIBE after a reconnect), the conflict
 * of two listeners with different options on one filter, and the warning on MQTT 3.1.1.
 */
@ExtendWith(OutputCaptureExtension.class)
class MqttSubscriptionOptionsTests {

	static Stream<Arguments> librariesOnAndOff() {
		return Stream.of("hivemq", "paho").flatMap((library) -> Stream.of(Arguments.of(library, true), Arguments.of(library, false)));
	}

	@ParameterizedTest(name = "{0}, noLocal {1}")
	@MethodSource("librariesOnAndOff")
	void noLocalKeepsTheConnectionsOwnMessagesAway(String library, boolean noLocal) {
		String prefix = ListenerTestSupport.prefix();
		runner(ListenerTestSupport.MOSQUITTO_URL, library, prefix, "test.no-local=" + noLocal).run((context) -> {
			assertThat(context).hasNotFailed();
			Received received = context.getBean(Received.class);
			context.getBean(MqttTemplate.class).publish(prefix + "/options", "own").get(10, TimeUnit.SECONDS);
			publishExternally(prefix + "/options", "external", false);
			await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("external"));
			if (noLocal) {
				assertThat(received.payloads).containsExactly("external");
			}
			else {
				assertThat(received.payloads).containsExactly("own", "external");
			}
		});
	}

	@ParameterizedTest(name = "{0}, retainAsPublished {1}")
	@MethodSource("librariesOnAndOff")
	void retainAsPublishedKeepsTheRetainFlagOfForwardedMessages(String library, boolean retainAsPublished) {
		String prefix = ListenerTestSupport.prefix();
		try {
			runner(ListenerTestSupport.MOSQUITTO_URL, library, prefix, "test.retain-as-published=" + retainAsPublished)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Received received = context.getBean(Received.class);
					publishExternally(prefix + "/options", "retained-live", true);
					await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("retained-live"));
					assertThat(received.retained).containsExactly(retainAsPublished);
				});
		}
		finally {
			publishExternally(prefix + "/options", "", true);
		}
	}

	/**
	 * With do-not-send, the retained message is delivered neither on start nor after a
	 * reconnect, whose SUBSCRIBE (no session) carries the options again, as does No Local.
	 */
	@ParameterizedTest(name = "{0}, options {1}")
	@MethodSource("librariesOnAndOff")
	void optionsApplyToTheSubscribeAfterAReconnect(String library, boolean options) {
		String prefix = ListenerTestSupport.prefix();
		publishExternally(prefix + "/options", "old", true);
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
			runner(proxy.url(), library, prefix, "test.no-local=" + options,
					"test.retain-handling=" + (options ? "do-not-send" : "send-on-subscribe"))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Received received = context.getBean(Received.class);
					MqttConnection connection = context.getBean(MqttConnection.class);
					publishExternally(prefix + "/options", "live-1", false);
					await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("live-1"));
					proxy.resetAll();
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> connection.getReconnectCount() >= 1 && connection.isConnected()
								&& connection.getSubscriptions().stream().allMatch((state) -> state.result() != null
										&& state.result().isGranted()));
					context.getBean(MqttTemplate.class).publish(prefix + "/options", "own").get(10, TimeUnit.SECONDS);
					publishExternally(prefix + "/options", "live-2", false);
					await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("live-2"));
					if (options) {
						assertThat(received.payloads).containsExactly("live-1", "live-2");
					}
					else {
						assertThat(received.payloads).containsExactly("old", "live-1", "old", "own", "live-2");
					}
				});
		}
		finally {
			publishExternally(prefix + "/options", "", true);
		}
	}

	/**
	 * A second listener on the same filter with a higher QoS makes the connection send the
	 * SUBSCRIBE again: with send-if-new-subscription the broker does not send the retained
	 * message a second time.
	 */
	@ParameterizedTest(name = "{0}, send-if-new-subscription {1}")
	@MethodSource("librariesOnAndOff")
	void sendIfNewSubscriptionSkipsTheRetainedMessageOnARepeatedSubscribe(String library, boolean ifNew) {
		String prefix = ListenerTestSupport.prefix();
		publishExternally(prefix + "/options", "old", true);
		try {
			runner(ListenerTestSupport.MOSQUITTO_URL, library, prefix,
					"test.retain-handling=" + (ifNew ? "send-if-new-subscription" : "send-on-subscribe"))
				.withUserConfiguration(LateListener.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Received received = context.getBean(Received.class);
					LateListener late = context.getBean(LateListener.class);
					await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("old"));
					MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
						.getListenerContainer("late");
					container.start();
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> container.getSubscriptionResults().stream().anyMatch(MqttSubscriptionResult::isGranted));
					publishExternally(prefix + "/options", "live", false);
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> received.payloads.contains("live") && late.payloads.contains("live"));
					if (ifNew) {
						assertThat(received.payloads).containsExactly("old", "live");
						assertThat(late.payloads).containsExactly("live");
					}
					else {
						assertThat(received.payloads).containsExactly("old", "old", "live");
						assertThat(late.payloads).containsExactly("old", "live");
					}
				});
		}
		finally {
			publishExternally(prefix + "/options", "", true);
		}
	}

	@Test
	void listenersWithDifferentOptionsOnOneFilterFailTheStart() {
		String prefix = ListenerTestSupport.prefix();
		runner(ListenerTestSupport.MOSQUITTO_URL, "hivemq", prefix, "test.no-local=true")
			.withUserConfiguration(ConflictingListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("subscribes to '" + prefix
						+ "/options' with the subscription options noLocal=")
					.hasStackTraceContaining("subscribes to the same filter with noLocal=")
					.hasStackTraceContaining("noLocal=true, retainAsPublished=false, retainHandling=send-on-subscribe")
					.hasStackTraceContaining("noLocal=false, retainAsPublished=false, retainHandling=send-on-subscribe")
					.hasStackTraceContaining("give both the same noLocal, retainAsPublished and retainHandling");
			});
	}

	@Test
	void optionsAreIgnoredWithAWarningOnMqtt311(CapturedOutput output) {
		String prefix = ListenerTestSupport.prefix();
		runner(ListenerTestSupport.MOSQUITTO_URL, "hivemq", prefix, "test.no-local=true", "mqtt.version=3.1.1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Received received = context.getBean(Received.class);
				context.getBean(MqttTemplate.class).publish(prefix + "/options", "own").get(10, TimeUnit.SECONDS);
				await().atMost(ListenerTestSupport.timeout()).until(() -> received.payloads.contains("own"));
				assertThat(output).contains("sets the MQTT 5 subscription options noLocal=true")
					.contains("uses MQTT 3.1.1, which has no subscription options: they are ignored");
			});
	}

	private static ApplicationContextRunner runner(String url, String library, String prefix, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=" + url, "mqtt.version=5", "mqtt.client-library=" + library,
					"mqtt.fail-fast=true", "test.prefix=" + prefix, "mqtt.listener.shutdown-timeout=2s",
					"mqtt.reconnect-delay=100ms")
			.withPropertyValues(properties)
			.withUserConfiguration(OptionsConfiguration.class);
	}

	private static void publishExternally(String topic, String payload, boolean retain) {
		MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.MOSQUITTO_URL, "5");
		try {
			client.publish(new MqttOutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retain,
					MqttMessageProperties.NONE)).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			ListenerTestSupport.close(client);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OptionsConfiguration {

		@Bean
		Received received() {
			return new Received();
		}

	}

	static class Received {

		final List<String> payloads = new CopyOnWriteArrayList<>();

		final List<Boolean> retained = new CopyOnWriteArrayList<>();

		@MqttSubscribe(id = "options", topics = "${test.prefix}/options", qos = 0, noLocal = "${test.no-local:false}",
				retainAsPublished = "${test.retain-as-published:false}",
				retainHandling = "${test.retain-handling:send-on-subscribe}")
		void onMessage(String payload, @Header(MqttHeaders.RECEIVED_RETAINED) boolean retained) {
			this.payloads.add(payload);
			this.retained.add(retained);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateListener {

		final List<String> payloads = new CopyOnWriteArrayList<>();

		@MqttSubscribe(id = "late", topics = "${test.prefix}/options", qos = 1, autoStartup = "false",
				retainHandling = "${test.retain-handling:send-on-subscribe}")
		void onMessage(String payload) {
			this.payloads.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConflictingListener {

		@MqttSubscribe(id = "conflicting", topics = "${test.prefix}/options")
		void onMessage(String payload) {
		}

	}

}
