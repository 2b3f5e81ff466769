package dev.mqttspring.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.health.StubMqttConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MqttDeliveryFailedEventPublisher}.
 */
class MqttDeliveryFailedEventPublisherTests {

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final MqttConnection connection = new StubMqttConnection().clientId("client-1");

	private final MqttDeliveryFailedEventPublisher publisher = new MqttDeliveryFailedEventPublisher(this.events::add,
			this.connection);

	@Test
	void aFailedPublishIsAnEvent() {
		MqttDeliveryException failure = new MqttDeliveryException("refused");
		this.publisher.start(message("a/b")).stop(failure);
		assertThat(this.events).singleElement().isInstanceOfSatisfying(MqttDeliveryFailedEvent.class, (event) -> {
			assertThat(event.getClientId()).isEqualTo("client-1");
			assertThat(event.getTopic()).isEqualTo("a/b");
			assertThat(event.getFailure()).isSameAs(failure);
		});
	}

	@Test
	void aRejectedPublishIsAnEvent() {
		InvalidTopicException failure = new InvalidTopicException("a/+", "wildcard");
		this.publisher.rejected("a/+", failure);
		assertThat(this.events).singleElement()
			.isInstanceOfSatisfying(MqttDeliveryFailedEvent.class, (event) -> assertThat(event.getFailure()).isSameAs(failure));
	}

	@Test
	void aSuccessfulPublishIsNoEvent() {
		this.publisher.start(message("a/b")).stop(null);
		assertThat(this.events).isEmpty();
	}

	@Test
	void aFailingEventListenerDoesNotFailThePublish() {
		MqttDeliveryFailedEventPublisher failing = new MqttDeliveryFailedEventPublisher((event) -> {
			throw new IllegalStateException("listener failed");
		}, this.connection);
		failing.start(message("a/b")).stop(new MqttDeliveryException("refused"));
		failing.rejected("a/b", new MqttDeliveryException("refused"));
	}

	private static MqttOutboundMessage message(String topic) {
		return new MqttOutboundMessage(topic, new byte[0], 1, false, MqttMessageProperties.NONE);
	}

}
