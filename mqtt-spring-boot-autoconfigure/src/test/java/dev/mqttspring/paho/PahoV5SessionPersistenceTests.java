package dev.mqttspring.paho;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PahoV5SessionPersistence}, driven the way Paho 1.2.5's ClientState
 * drives it for incoming QoS 2 packets (the end-to-end proof against a broker is
 * NetworkCutReliabilityTests).
 */
class PahoV5SessionPersistenceTests {

	private final List<MqttPublish> rescued = new ArrayList<>();

	private final PahoV5SessionPersistence persistence = new PahoV5SessionPersistence(null, null, false,
			(publish, processed) -> this.rescued.add(publish));

	@Test
	void resendBeforeReleaseIsARedelivery() throws Exception {
		MqttPublish first = receive(7, "a");
		assertThat(this.persistence.accept(delivered(first))).isNotNull();
		MqttPublish resend = receive(7, "a");
		assertThat(this.persistence.accept(delivered(resend))).isNull();
	}

	@Test
	void samePacketIdAfterReleaseIsANewMessage() throws Exception {
		assertThat(this.persistence.accept(delivered(receive(7, "a")))).isNotNull();
		this.persistence.remove("r-7");
		assertThat(this.persistence.accept(delivered(receive(7, "b")))).isNotNull();
	}

	@Test
	void releaseWhileTheResendIsStillQueuedDoesNotLetItThrough() throws Exception {
		assertThat(this.persistence.accept(delivered(receive(7, "a")))).isNotNull();
		MqttPublish resend = receive(7, "a");
		this.persistence.remove("r-7");
		assertThat(this.persistence.accept(delivered(resend))).isNull();
	}

	@Test
	void messagesThatNeverReachedTheCallbackAreRescuedOnReconnectAndTheirResendIsDropped() throws Exception {
		this.persistence.open("client");
		MqttPublish delivered = receive(1, "delivered");
		assertThat(this.persistence.accept(delivered(delivered))).isNotNull();
		MqttPublish dropped = receive(2, "dropped");
		this.persistence.close();
		this.persistence.open("client");
		assertThat(this.rescued).extracting(MqttPublish::getMessageId).containsExactly(2);
		assertThat(this.persistence.accept(delivered(receive(2, "dropped")))).isNull();
		assertThat(this.persistence.containsKey("r-1")).as("the session outlives the connection").isTrue();
	}

	@Test
	void cleanStartForgetsTheFlows() throws Exception {
		assertThat(this.persistence.accept(delivered(receive(7, "a")))).isNotNull();
		this.persistence.clear();
		assertThat(this.persistence.accept(delivered(receive(7, "a")))).isNotNull();
		assertThat(this.persistence.containsKey("r-7")).isTrue();
	}

	private MqttPublish receive(int id, String payload) throws Exception {
		MqttMessage message = new MqttMessage(payload.getBytes(), 2, false, new MqttProperties());
		MqttPublish publish = new MqttPublish("t", message, new MqttProperties());
		publish.setMessageId(id);
		this.persistence.put("r-" + id, publish);
		return publish;
	}

	private static MqttMessage delivered(MqttPublish publish) {
		MqttMessage message = publish.getMessage();
		message.setId(publish.getMessageId());
		return message;
	}

}
