package dev.mqttspring.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.MqttListenerErrorHandler;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad input: invalid publishes fail locally with a clear error while the connection
 * stays up, invalid listener filters fail start-up, and malformed JSON for a record
 * listener goes to its error handler while the next message is processed.
 */
class BadInputReliabilityTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void invalidPublishesFailLocallyAndTheConnectionStaysUp(String library) {
		try (MosquittoBroker broker = MosquittoBroker.builder().maxPacketSize(1024).start()) {
			ReliabilityApps.runner(library).withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true").run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				MqttTemplate template = context.getBean(MqttTemplate.class);
				Map<String, CompletableFuture<Void>> cases = new LinkedHashMap<>();
				cases.put("wildcard +", template.publish("a/+/b", "x", 1, false));
				cases.put("wildcard #", template.publish("a/#", "x", 1, false));
				cases.put("empty topic", template.publish("", "x", 1, false));
				cases.put("over-long topic", template.publish("t".repeat(65_536), "x", 1, false));
				cases.put("NUL in topic", template.publish("a/\u0000/b", "x", 1, false));
				cases.put("lone surrogate", template.publish("a/\uD800/b", "x", 1, false));
				cases.put("QoS 3", template.publish("a/b", "x", 3, false));
				cases.put("payload over broker maximum packet size", template.publish("a/b", new byte[4096], 1, false));
				Map<String, String> errors = new LinkedHashMap<>();
				for (Map.Entry<String, CompletableFuture<Void>> entry : cases.entrySet()) {
					try {
						entry.getValue().get(1, TimeUnit.SECONDS);
						errors.put(entry.getKey(), "ACCEPTED");
					}
					catch (ExecutionException ex) {
						errors.put(entry.getKey(), ex.getCause().getClass().getSimpleName() + ": " + ex.getCause().getMessage());
					}
				}
				template.publish("a/b", "valid", 1, false).get(5, TimeUnit.SECONDS);
				ReliabilityReport.scenario(library, "Bad input: " + cases.size() + " invalid publishes")
					.sent(cases.size())
					.note("rejected locally " + errors.values().stream().filter((e) -> !e.equals("ACCEPTED")).count() + "/"
							+ cases.size() + ", connection " + connection.getState() + ", reconnects "
							+ connection.getReconnectCount())
					.write();
				errors.forEach((name, error) -> System.out.println("[reliability]   " + name + " -> "
						+ error.substring(0, Math.min(200, error.length()))));
				assertThat(errors).allSatisfy((name, error) -> assertThat(error).as(name).isNotEqualTo("ACCEPTED"));
				assertThat(errors.get("wildcard +")).contains("a/+/b").contains("wildcard");
				assertThat(errors.get("QoS 3")).contains("3");
				assertThat(errors.get("payload over broker maximum packet size")).containsIgnoringCase("packet size");
				assertThat(connection.isConnected()).isTrue();
				assertThat(connection.getReconnectCount()).isZero();
			});
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void invalidListenerFilterFailsStartUp(String library) {
		ReliabilityApps.runner(library)
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883")
			.withUserConfiguration(InvalidFilterListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				String failure = SecurityReliabilityTests.stackTrace(context.getStartupFailure());
				ReliabilityReport.scenario(library, "Bad input: listener filter 'a/#/b'")
					.note("start-up failed: " + context.getStartupFailure().getClass().getSimpleName())
					.write();
				assertThat(failure).contains("a/#/b");
			});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "paho", "hivemq" })
	void malformedJsonGoesToTheErrorHandlerAndTheNextMessageIsProcessed(String library) {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			ReliabilityApps.runner(library)
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true")
				.withUserConfiguration(JsonErrorHandler.class, JsonListener.class)
				.run((context) -> {
					JsonListener listener = context.getBean(JsonListener.class);
					MqttTemplate template = context.getBean(MqttTemplate.class);
					// bytes, as from a device: a String is sent with content type text/plain
					template.publish("reliability/json", bytes("{\"name\": \"broken\", "), 1, false).get(5, TimeUnit.SECONDS);
					template.publish("reliability/json", bytes("{\"name\":\"ok\",\"value\":42}"), 1, false)
						.get(5, TimeUnit.SECONDS);
					BrokerRestartReliabilityTests.awaitQuietly(() -> !listener.received.isEmpty(), Duration.ofSeconds(10));
					ReliabilityReport.scenario(library, "Bad input: malformed JSON to a record listener")
						.sent(2)
						.received(listener.received.size())
						.note("error handler calls " + listener.errors.size() + ": "
								+ (listener.errors.isEmpty() ? "-" : listener.errors.get(0)))
						.write();
					await().atMost(Duration.ofSeconds(5)).until(() -> listener.errors.size() == 1);
					assertThat(listener.received).containsExactly(new Reading("ok", 42));
					assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
				});
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	record Reading(String name, int value) {
	}

	@Configuration(proxyBeanMethods = false)
	static class InvalidFilterListener {

		@MqttSubscribe("a/#/b")
		void onMessage(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonListener {

		final List<Reading> received = new CopyOnWriteArrayList<>();

		final List<String> errors = JsonErrorHandler.ERRORS;

		@MqttSubscribe(topics = "reliability/json", errorHandler = "readingErrorHandler")
		void onReading(Reading reading) {
			this.received.add(reading);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonErrorHandler {

		static final List<String> ERRORS = new CopyOnWriteArrayList<>();

		@Bean
		MqttListenerErrorHandler readingErrorHandler() {
			ERRORS.clear();
			return (message, exception) -> ERRORS.add(String.valueOf(exception.getMessage()));
		}

	}

}
