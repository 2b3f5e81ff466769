package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.FakeClientAdapter;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientHandle} over a {@link FakeClientAdapter}.
 */
class ClientHandleTests {

	private static final MqttOutboundMessage MESSAGE = new MqttOutboundMessage("a/b", new byte[] { 1 }, 1, false,
			MqttMessageProperties.NONE);

	@Test
	void withoutAClientTheCallsThatNeedOneDoNothing() throws Exception {
		FakeClientAdapter adapter = new FakeClientAdapter();
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "handle");
		assertThat(client.hasClient()).isFalse();
		assertThat(client.isConnected()).isFalse();
		client.acknowledge(1, 1);
		assertThat(adapter.acknowledged).isEmpty();
		assertThat(client.outboundLink(() -> true, () -> true, () -> "").send(MESSAGE, null)).isFalse();
		assertThat(client.unsubscribe("a/b", null)).isFalse();
		assertThat(client.keepAliveProbe()).isNull();
	}

	@Test
	void createdClientIsUsedUntilItIsTaken() throws Exception {
		FakeClientAdapter adapter = new FakeClientAdapter();
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "handle");
		Object created = client.create();
		assertThat(client.current()).isSameAs(created);
		client.acknowledge(7, 2);
		assertThat(adapter.acknowledged).containsExactly("7@2");
		assertThat(client.take()).isSameAs(created);
		assertThat(client.current()).isNull();
	}

	@Test
	void failuresOfAcknowledgementsAndDisconnectsAreLoggedNotThrown() throws Exception {
		List<String> calls = new CopyOnWriteArrayList<>();
		FakeClientAdapter adapter = new FakeClientAdapter() {

			@Override
			public void acknowledge(Object client, int messageId, int qos) {
				calls.add("ack");
				throw new IllegalStateException("connection lost");
			}

			@Override
			public void disconnect(Object client, Duration timeout) {
				calls.add("disconnect");
				throw new IllegalStateException("timed out");
			}

		};
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "handle");
		Object created = client.create();
		client.acknowledge(1, 1);
		client.disconnect(created, Duration.ofSeconds(1), "");
		assertThat(calls).containsExactly("ack");
		adapter.connected = true;
		client.disconnect(created, Duration.ofSeconds(1), "");
		assertThat(calls).containsExactly("ack", "disconnect");
	}

	@Test
	void outboundLinkPublishesWithTheCurrentClientAndAsksTheAdapter() throws Exception {
		FakeClientAdapter adapter = new FakeClientAdapter();
		ClientHandle client = new ClientHandle(adapter, LogFactory.getLog(getClass()), "handle");
		client.create();
		OutboundFlow.Link link = client.outboundLink(() -> true, () -> false, () -> "broker down");
		assertThat(link.isRunning()).isTrue();
		assertThat(link.isConnected()).isFalse();
		assertThat(link.disconnectedBecause()).isEqualTo("broker down");
		assertThat(link.describe(new IllegalStateException("boom"))).isEqualTo("boom");
		assertThat(link.reasonCodeOf(new IllegalStateException())).isEqualTo(-1);
		assertThat(link.resendsAfterReconnect(new IllegalStateException())).isTrue();
	}

}
