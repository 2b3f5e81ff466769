package dev.mqttspring.client.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.FakeClientAdapter;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttSubscription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InboundIntake} over a {@link FakeClientAdapter}.
 */
class InboundIntakeTests {

	private final MqttConnectionSettings settings = new MqttConnectionSettings();

	private final SubscriptionRegistry registry = new SubscriptionRegistry();

	private final FakeClientAdapter adapter = new FakeClientAdapter();

	private final ClientHandle client = new ClientHandle(this.adapter, LogFactory.getLog(getClass()), "intake");

	private final List<MqttInboundMessage> received = new CopyOnWriteArrayList<>();

	private final List<String> processed = new CopyOnWriteArrayList<>();

	private InboundIntake intake;

	@BeforeEach
	void setUp() throws Exception {
		this.settings.setMaxInboundPacketSize(100);
		this.client.create();
		this.registry.add(new MqttSubscription("a/#", 2, this.received::add, "listener"), "intake");
		this.intake = new InboundIntake(this.settings, this.registry,
				new InboundDispatcher(this.registry, new ReentrantLock(), LogFactory.getLog(getClass())), this.client,
				LogFactory.getLog(getClass()));
	}

	@Test
	void acknowledgementGoesToTheClientBeforeProcessedRuns() {
		this.intake.dispatch("a/b", new byte[] { 1 }, 1, false, false, 7, MqttMessageProperties.NONE,
				() -> this.processed.add("processed after " + this.adapter.acknowledged));
		assertThat(this.received).hasSize(1);
		assertThat(this.adapter.acknowledged).isEmpty();
		this.received.get(0).acknowledge();
		assertThat(this.adapter.acknowledged).containsExactly("7@1");
		assertThat(this.processed).containsExactly("processed after [7@1]");
	}

	@Test
	void qos0MessageIsNotAcknowledgedWithTheClient() {
		this.intake.dispatch("a/b", new byte[] { 1 }, 0, false, false, 0, MqttMessageProperties.NONE, InboundIntake.NO_ACK);
		this.received.get(0).acknowledge();
		assertThat(this.adapter.acknowledged).isEmpty();
	}

	@Test
	void messageTooLargeIsCountedAndAcknowledgedWithoutReachingTheListener() {
		this.intake.dispatch("a/b", new byte[200], 1, false, false, 9, MqttMessageProperties.NONE, InboundIntake.NO_ACK);
		assertThat(this.received).isEmpty();
		assertThat(this.adapter.acknowledged).containsExactly("9@1");
		assertThat(this.intake.tooLargeCount("listener")).isEqualTo(1);
		assertThat(this.intake.accept("a/b", 10, 1)).isTrue();
		assertThat(this.intake.accept("a/b", 100, 1)).isFalse();
		assertThat(this.intake.tooLargeCount("listener")).isEqualTo(2);
	}

}
