package dev.mqttspring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.MessageHeaders;
import org.springframework.util.MimeTypeUtils;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageBuilder;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured {@link MqttTemplate} end to end against mosquitto and the embedded
 * broker, over MQTT 5 and 3.1.1: conversion and content types, MQTT 5 properties,
 * delivery-failed events and request-reply with a {@code @MqttSubscribe} responder.
 */
class MqttTemplateIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void payloadsAreConvertedWithContentTypesOnMosquitto(String version) {
		this.runner.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "mqtt.version=" + version)
			.run((context) -> payloadsAreConverted(context.getBean(MqttTemplate.class), version.equals("5")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void payloadsAreConvertedWithContentTypesOnTheEmbeddedBroker(String version) {
		this.runner.withPropertyValues("mqtt.version=" + version)
			.run((context) -> payloadsAreConverted(context.getBean(MqttTemplate.class), version.equals("5")));
	}

	private void payloadsAreConverted(MqttTemplate template, boolean v5) throws Exception {
		String base = "tpl/" + UUID.randomUUID();
		List<MqttInboundMessage> received = collect(template.getConnection(), base + "/+");
		template.publish(base + "/text", "grüße").get(10, TimeUnit.SECONDS);
		template.publish(base + "/bytes", new byte[] { 1, 2, 3 }).get(10, TimeUnit.SECONDS);
		template.publish(base + "/json", new Reading("s-1", 21.5)).get(10, TimeUnit.SECONDS);
		template.publish(MqttMessageBuilder.withPayload("{\"a\":1}")
			.topic(base + "/props")
			.qos(2)
			.contentType("application/vnd.acme+json")
			.messageExpiry(Duration.ofMinutes(5))
			.userProperty("tenant", "acme")
			.userProperty("tenant", "other")
			.build()).get(10, TimeUnit.SECONDS);
		template.publish(MqttMessageBuilder.withPayload("{\"b\":2}")
			.topic(base + "/spring-content-type")
			.header(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
			.build()).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
		MqttInboundMessage text = find(received, base + "/text");
		assertThat(new String(text.getPayload(), StandardCharsets.UTF_8)).isEqualTo("grüße");
		MqttInboundMessage bytes = find(received, base + "/bytes");
		assertThat(bytes.getPayload()).containsExactly(1, 2, 3);
		MqttInboundMessage json = find(received, base + "/json");
		assertThat(new String(json.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"sensor\":\"s-1\",\"value\":21.5}");
		MqttInboundMessage props = find(received, base + "/props");
		assertThat(props.getQos()).isEqualTo(2);
		if (v5) {
			assertThat(text.getProperties().getContentType()).isEqualTo("text/plain; charset=utf-8");
			assertThat(text.getProperties().getPayloadFormatUtf8()).isTrue();
			assertThat(bytes.getProperties().getContentType()).isNull();
			assertThat(json.getProperties().getContentType()).isEqualTo("application/json");
			assertThat(props.getProperties().getContentType()).isEqualTo("application/vnd.acme+json");
			assertThat(props.getProperties().getMessageExpiryInterval()).isBetween(290L, 300L);
			assertThat(props.getProperties().getUserProperties()).extracting("value").containsExactly("acme", "other");
			assertThat(find(received, base + "/spring-content-type").getProperties().getContentType())
				.isEqualTo("application/json");
		}
		else {
			assertThat(text.getProperties().isEmpty()).isTrue();
		}
	}

	@Test
	void deliveryFailuresArePublishedAsApplicationEvents() {
		try (MosquittoBroker broker = MosquittoBroker.builder().acl("topic read denied/#\n").start()) {
			this.runner.withUserConfiguration(EventConfiguration.class)
				.withPropertyValues("mqtt.url=" + broker.url())
				.run((context) -> {
					MqttTemplate template = context.getBean(MqttTemplate.class);
					assertThatThrownBy(() -> template.publish("denied/a", "x").get(10, TimeUnit.SECONDS)).cause()
						.isInstanceOfSatisfying(MqttDeliveryException.class, (ex) -> assertThat(ex.getReasonCode()).isEqualTo(0x87));
					template.publish("a/#", "x");
					List<MqttDeliveryFailedEvent> events = context.getBean(EventConfiguration.class).events;
					assertThat(events).extracting(MqttDeliveryFailedEvent::getTopic).containsExactly("denied/a", "a/#");
					assertThat(context.getBean(MqttConnection.class).isConnected()).isTrue();
				});
		}
	}

	@Test
	void requestIsAnsweredByAnMqttSubscribeMethod() {
		this.runner.withUserConfiguration(ResponderConfiguration.class)
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "responder.topic=tpl/" + UUID.randomUUID() + "/double")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				String topic = context.getEnvironment().getProperty("responder.topic");
				Reading reply = template.request(topic, new Reading("s-2", 4.5), Reading.class, Duration.ofSeconds(10))
					.get(15, TimeUnit.SECONDS);
				assertThat(reply).isEqualTo(new Reading("s-2", 9.0));
			});
	}

	@Test
	void pendingRequestsFailWhenTheContextCloses() {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883").run((context) -> context.getBean(MqttTemplate.class)
			.request("tpl/" + UUID.randomUUID() + "/nobody", "x", Duration.ofMinutes(1))
			.whenComplete((reply, ex) -> failures.add(ex)));
		assertThat(failures).hasSize(1);
		assertThat(failures.get(0)).isInstanceOf(MqttDeliveryException.class)
			.hasMessageStartingWith("The MqttTemplate stopped (the application is shutting down)");
	}

	private static List<MqttInboundMessage> collect(MqttConnection connection, String filter) throws Exception {
		List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();
		connection.subscribe(new MqttSubscription(filter, 2, (message) -> {
			received.add(message);
			message.acknowledge();
		}, "collector")).get(10, TimeUnit.SECONDS);
		return received;
	}

	private static MqttInboundMessage find(List<MqttInboundMessage> messages, String topic) {
		return messages.stream().filter((message) -> message.getTopic().equals(topic)).findFirst().orElseThrow();
	}

	record Reading(String sensor, double value) {
	}

	@Configuration(proxyBeanMethods = false)
	static class EventConfiguration {

		final List<MqttDeliveryFailedEvent> events = new CopyOnWriteArrayList<>();

		@Bean
		ApplicationListener<MqttDeliveryFailedEvent> deliveryFailedListener() {
			return this.events::add;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ResponderConfiguration {

		@Bean
		Responder responder() {
			return new Responder();
		}

	}

	static class Responder {

		@MqttSubscribe("${responder.topic}")
		Reading twice(Reading reading) {
			return new Reading(reading.sensor(), reading.value() * 2);
		}

	}

}
