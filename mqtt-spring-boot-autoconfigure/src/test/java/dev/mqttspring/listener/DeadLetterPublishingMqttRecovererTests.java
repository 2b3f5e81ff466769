package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttDeliveryException;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadLetterPublishingMqttRecoverer}, publishing through a real
 * {@link MqttTemplate}.
 */
class DeadLetterPublishingMqttRecovererTests {

	private final StubMqttConnection connection = new StubMqttConnection();

	private final DeadLetterPublishingMqttRecoverer recoverer = new DeadLetterPublishingMqttRecoverer(
			new MqttTemplate(this.connection), "orders/dlt");

	@Test
	void republishesTheMessageWithItsPropertiesAndTheFailure() throws Exception {
		MqttMessageProperties properties = MqttMessageProperties.builder()
			.contentType("text/plain")
			.correlationData(new byte[] { 7 })
			.userProperty("tenant", "a")
			.subscriptionIdentifiers(List.of(3))
			.build();
		MqttInboundMessage message = new MqttInboundMessage("orders/1", "poison".getBytes(StandardCharsets.UTF_8), 1, true,
				false, 1, properties, () -> {
				});
		this.recoverer.recover(message, failure(new IllegalStateException("cannot\nhandle")));
		assertThat(this.connection.getPublished()).hasSize(1);
		MqttOutboundMessage deadLetter = this.connection.getPublished().get(0);
		assertThat(deadLetter.topic()).isEqualTo("orders/dlt");
		assertThat(new String(deadLetter.payload(), StandardCharsets.UTF_8)).isEqualTo("poison");
		assertThat(deadLetter.qos()).isOne();
		assertThat(deadLetter.retain()).isFalse();
		assertThat(deadLetter.properties().getContentType()).isEqualTo("text/plain");
		assertThat(deadLetter.properties().getCorrelationData()).containsExactly(7);
		assertThat(deadLetter.properties().getSubscriptionIdentifiers()).isEmpty();
		assertThat(deadLetter.properties().getUserProperties()).containsExactly(new MqttUserProperty("tenant", "a"),
				new MqttUserProperty(DeadLetterPublishingMqttRecoverer.DLT_ORIGINAL_TOPIC, "orders/1"),
				new MqttUserProperty(DeadLetterPublishingMqttRecoverer.DLT_LISTENER_ID, "orders"),
				new MqttUserProperty(DeadLetterPublishingMqttRecoverer.DLT_EXCEPTION_CLASS,
						IllegalStateException.class.getName()),
				new MqttUserProperty(DeadLetterPublishingMqttRecoverer.DLT_EXCEPTION_MESSAGE, "cannot handle"));
		assertThat(this.recoverer.getDeadLetteredCount("orders")).isOne();
		assertThat(this.recoverer.getDeadLetteredCount("other")).isZero();
	}

	@Test
	void failedPublishThrowsAndIsNotCounted() {
		StubMqttConnection failing = new StubMqttConnection() {

			@Override
			public CompletableFuture<Void> publish(MqttOutboundMessage message) {
				return CompletableFuture.failedFuture(new MqttDeliveryException("refused"));
			}

		};
		DeadLetterPublishingMqttRecoverer recoverer = new DeadLetterPublishingMqttRecoverer(new MqttTemplate(failing),
				"orders/dlt");
		MqttInboundMessage message = new MqttInboundMessage("orders/1", new byte[0], 0, false, false, 1,
				MqttMessageProperties.NONE, () -> {
				});
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> recoverer.recover(message, failure(new IllegalStateException("boom"))));
		assertThat(recoverer.getDeadLetteredCount("orders")).isZero();
	}

	@Test
	void exceptionMessageIsShortenedAndPrintable() {
		assertThat(DeadLetterPublishingMqttRecoverer.printable("a\tb\u0085c")).isEqualTo("a b c");
		assertThat(DeadLetterPublishingMqttRecoverer.printable("x".repeat(1200))).hasSize(1003).endsWith("...");
		assertThat(DeadLetterPublishingMqttRecoverer.printable("\uD83D\uDE00 \uD83D")).isEqualTo("\uD83D\uDE00  ");
	}

	private static MqttListenerExecutionFailedException failure(Throwable cause) {
		return new MqttListenerExecutionFailedException("orders", "orders/1", "Listener 'orders' failed", cause);
	}

}
