package dev.mqttspring.observation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.observation.ObservationMqttPublishObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace across publisher, broker (the system mosquitto on 127.0.0.1:1883) and
 * listener: the publisher's span context travels as a W3C {@code traceparent} MQTT 5 user
 * property and {@link ObservationMqttListenerObserver} continues it.
 */
class MqttTracePropagationIntegrationTests {

	private final SimpleTracer tracer = new SimpleTracer();

	private final W3CTestPropagator propagator = new W3CTestPropagator(this.tracer);

	private final ObservationRegistry observationRegistry = ObservationRegistry.create();

	MqttTracePropagationIntegrationTests() {
		this.observationRegistry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, this.propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, this.propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	@Test
	void traceIdOfThePublisherArrivesAtTheListener() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883")
			.run((context) -> {
				MqttConnection connection = context.getBean(MqttConnection.class);
				ObservationMqttListenerObserver observer = new ObservationMqttListenerObserver(
						this.observationRegistry, connection.getClientId(), null);
				String topic = "trace-it/" + UUID.randomUUID();
				CompletableFuture<Span> listenerSpan = new CompletableFuture<>();
				MqttSubscription subscription = new MqttSubscription(topic, 1, (message) -> {
					MqttListenerObserver.Handle handle = observer.start("traced", message);
					try {
						listenerSpan.complete(this.tracer.currentSpan());
					}
					finally {
						handle.stop(null);
					}
					message.acknowledge();
				}, "traced");
				connection.subscribe(subscription).get(10, TimeUnit.SECONDS);

				SenderContext<MqttMessageProperties.Builder> sender = new SenderContext<>(
						(carrier, key, value) -> carrier.userProperty(key, value));
				MqttMessageProperties.Builder properties = MqttMessageProperties.builder();
				sender.setCarrier(properties);
				Observation publish = Observation.start("mqtt.template.publish", () -> sender, this.observationRegistry);
				Span publisherSpan = this.tracer.lastSpan();
				connection
					.publish(new MqttOutboundMessage(topic, "traced".getBytes(StandardCharsets.UTF_8), 1, false,
							properties.build()))
					.get(10, TimeUnit.SECONDS);
				publish.stop();

				Span received = listenerSpan.get(10, TimeUnit.SECONDS);
				assertThat(received).isNotNull();
				assertThat(received.context().traceId()).isEqualTo(publisherSpan.context().traceId());
				assertThat(received.context().parentId()).isEqualTo(publisherSpan.context().spanId());
				assertThat(received.context().spanId()).isNotEqualTo(publisherSpan.context().spanId());
				assertThat(this.tracer.getSpans()).anySatisfy((span) -> {
					assertThat(span.getName()).isEqualTo("mqtt process");
					assertThat(span.getTags()).containsEntry("mqtt.listener.id", "traced").containsEntry("mqtt.topic", topic);
				});
				connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
			});
	}

	@Test
	void mqttTemplateInjectsTheTraceContextOfItsPublishObservation() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				MqttConnection connection = template.getConnection();
				template.addPublishObserver(new ObservationMqttPublishObserver(this.observationRegistry,
						connection.getClientId(), null));
				ObservationMqttListenerObserver observer = new ObservationMqttListenerObserver(
						this.observationRegistry, connection.getClientId(), null);
				String topic = "trace-template/" + UUID.randomUUID();
				CompletableFuture<Span> listenerSpan = new CompletableFuture<>();
				CompletableFuture<String> traceparent = new CompletableFuture<>();
				MqttSubscription subscription = new MqttSubscription(topic, 1, (message) -> {
					traceparent.complete(message.getProperties().getUserProperty("traceparent"));
					MqttListenerObserver.Handle handle = observer.start("traced", message);
					try {
						listenerSpan.complete(this.tracer.currentSpan());
					}
					finally {
						handle.stop(null);
					}
					message.acknowledge();
				}, "traced");
				connection.subscribe(subscription).get(10, TimeUnit.SECONDS);
				template.publish(topic, "traced").get(10, TimeUnit.SECONDS);
				Span received = listenerSpan.get(10, TimeUnit.SECONDS);
				assertThat(traceparent.get(10, TimeUnit.SECONDS)).isNotBlank();
				assertThat(this.tracer.getSpans()).anySatisfy((span) -> {
					assertThat(span.getName()).isNotEqualTo("mqtt process");
					assertThat(span.getTraceId()).isEqualTo(received.context().traceId());
					assertThat(span.getSpanId()).isEqualTo(received.context().parentId());
				});
				connection.unsubscribe(subscription).get(10, TimeUnit.SECONDS);
			});
	}

	@Test
	void listenerWithoutTraceContextStartsANewTrace() {
		ObservationMqttListenerObserver observer = new ObservationMqttListenerObserver(this.observationRegistry, "c1",
				null);
		MqttListenerObserver.Handle handle = observer.start("plain",
				new MqttInboundMessage("a/b", new byte[0], 0, false, false, 0,
						MqttMessageProperties.NONE, () -> {
						}));
		Span span = this.tracer.currentSpan();
		handle.stop(new IllegalStateException("boom"));
		assertThat(span).isNotNull();
		assertThat(span.context().parentId()).isNullOrEmpty();
		assertThat(this.tracer.onlySpan().getError()).hasMessage("boom");
		assertThat(this.tracer.currentSpan()).isNull();
	}

	@Test
	void noopRegistryCostsNothing() {
		ObservationMqttListenerObserver observer = new ObservationMqttListenerObserver(ObservationRegistry.NOOP, "c1",
				null);
		assertThat(observer.start("x", new MqttInboundMessage("a", new byte[0], 0, false, false, 0,
				MqttMessageProperties.NONE, () -> {
				}))).isSameAs(MqttListenerObserver.Handle.NOOP);
	}

}
