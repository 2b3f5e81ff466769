package dev.mqttspring.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@link DefaultMqttListenerContainer} hands failures to its error handling: the
 * default one built from the dead-letter topic publishes through the operations set, and a
 * {@link MqttContainerErrorHandler} set on the container replaces it.
 */
class DefaultMqttListenerContainerErrorHandlingTests {

	private final CapturingConnection connection = new CapturingConnection();

	private final AtomicInteger acknowledged = new AtomicInteger();

	private final DefaultMqttListenerContainer container = new DefaultMqttListenerContainer(this.connection, "orders",
			List.of("orders/+"), 1, null, (message) -> {
				throw new IllegalStateException("cannot handle " + message.getTopic());
			});

	@Test
	void deadLettersGoThroughTheOperationsAndAreCountedAcrossRestarts() {
		this.container.setDeadLetterTopic("orders/dlt");
		this.container.setOperations(new MqttTemplate(this.connection));
		this.container.start();
		deliver("orders/1");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.container.getDeadLetteredCount() == 1);
		this.container.stop();
		this.container.start();
		deliver("orders/2");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.container.getDeadLetteredCount() == 2);
		this.container.stop();
		assertThat(this.connection.getPublished()).extracting(MqttOutboundMessage::topic)
			.containsExactly("orders/dlt", "orders/dlt");
		assertThat(this.container.getFailedCount()).isEqualTo(2);
		assertThat(this.acknowledged).hasValue(2);
	}

	@Test
	void containerErrorHandlerReplacesTheDefaultHandling() {
		List<String> handled = new CopyOnWriteArrayList<>();
		this.container.setDeadLetterTopic("orders/dlt");
		this.container.setContainerErrorHandler((message, exception, context) -> {
			handled.add(context.exhausted(exception, 1).getMessage());
			return false;
		});
		this.container.start();
		deliver("orders/1");
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
		this.container.stop();
		assertThat(handled).singleElement().asString().contains("cannot handle orders/1");
		assertThat(this.connection.getPublished()).isEmpty();
		assertThat(this.container.getDeadLetteredCount()).isZero();
		assertThat(this.acknowledged).as("left unacknowledged").hasValue(0);
	}

	private void deliver(String topic) {
		this.connection.subscription.getHandler()
			.handleMessage(new MqttInboundMessage(topic, new byte[] { 1 }, 1, false, false, 1, MqttMessageProperties.NONE,
					this.acknowledged::incrementAndGet));
	}

	private static final class CapturingConnection extends StubMqttConnection {

		private volatile MqttSubscription subscription;

		@Override
		public CompletableFuture<MqttSubscriptionResult> subscribe(MqttSubscription subscription) {
			this.subscription = subscription;
			return super.subscribe(subscription);
		}

	}

}
