package dev.mqttspring.paho;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PahoV5SessionPersistence} over Paho's file store: QoS 2 messages that
 * the application received but did not finish are kept on disk and delivered when the
 * application starts again (the end-to-end proof is MqttListenerRedeliveryTests).
 */
class PahoV5SessionPersistenceFileTests {

	@TempDir
	Path directory;

	private final List<Rescued> rescued = new ArrayList<>();

	@Test
	void messageWhoseFlowEndsBeforeItIsProcessedIsKeptUntilProcessed() throws Exception {
		PahoV5SessionPersistence store = open(true);
		Runnable processed = store.accept(delivered(receive(store, 7, "slow")));
		store.remove("r-7");
		assertThat(unprocessedFiles()).hasSize(1);
		processed.run();
		assertThat(unprocessedFiles()).isEmpty();
		assertThat(store.containsKey("r-7")).isFalse();
	}

	@Test
	void messageProcessedWhileItsFlowIsOpenLeavesNothingBehind() throws Exception {
		PahoV5SessionPersistence store = open(true);
		store.accept(delivered(receive(store, 7, "fast"))).run();
		assertThat(store.containsKey("r-7")).as("Paho's copy of a processed message").isFalse();
		store.remove("r-7");
		assertThat(unprocessedFiles()).isEmpty();
		store.close();
		open(true);
		assertThat(this.rescued).isEmpty();
	}

	@Test
	void nextRunDeliversWhatThePreviousRunDidNotFinish() throws Exception {
		PahoV5SessionPersistence first = open(true);
		first.accept(delivered(receive(first, 1, "released before the crash")));
		first.remove("r-1");
		first.accept(delivered(receive(first, 2, "flow still open at the crash")));
		first.accept(delivered(receive(first, 3, "finished"))).run();
		first.remove("r-3");
		// the application dies: nothing is closed
		PahoV5SessionPersistence second = open(true);
		assertThat(this.rescued).extracting(Rescued::payload)
			.containsExactly("released before the crash", "flow still open at the crash");
		assertThat(second.accept(delivered(receive(second, 2, "flow still open at the crash"))))
			.as("the broker's resend of the open flow's PUBLISH").isNull();
		this.rescued.forEach((rescued) -> rescued.processed().run());
		second.remove("r-2");
		assertThat(unprocessedFiles()).isEmpty();
		assertThat(second.containsKey("r-2")).isFalse();
		this.rescued.clear();
		open(true);
		assertThat(this.rescued).isEmpty();
	}

	@Test
	void samePacketIdInANewFlowDoesNotTouchTheKeptMessage() throws Exception {
		PahoV5SessionPersistence store = open(true);
		Runnable slow = store.accept(delivered(receive(store, 7, "slow")));
		store.remove("r-7");
		Runnable next = store.accept(delivered(receive(store, 7, "next")));
		next.run();
		assertThat(unprocessedFiles()).hasSize(1);
		slow.run();
		assertThat(unprocessedFiles()).isEmpty();
	}

	@Test
	void cleanStartKeepsNothing() throws Exception {
		PahoV5SessionPersistence first = open(true);
		first.accept(delivered(receive(first, 1, "unfinished")));
		first.remove("r-1");
		assertThat(unprocessedFiles()).hasSize(1);
		PahoV5SessionPersistence clean = open(false);
		assertThat(this.rescued).isEmpty();
		assertThat(unprocessedFiles()).isEmpty();
		clean.accept(delivered(receive(clean, 2, "not tracked")));
		clean.remove("r-2");
		assertThat(unprocessedFiles()).isEmpty();
	}

	private PahoV5SessionPersistence open(boolean resume) throws Exception {
		PahoV5SessionPersistence store = new PahoV5SessionPersistence(
				new MqttDefaultFilePersistence(this.directory.toString()), this.directory, resume,
				(publish, processed) -> this.rescued
					.add(new Rescued(new String(publish.getMessage().getPayload(), StandardCharsets.UTF_8), processed)));
		store.open("client-1");
		return store;
	}

	private List<Path> unprocessedFiles() throws Exception {
		try (Stream<Path> files = Files.list(this.directory.resolve("client-1").resolve("unprocessed"))) {
			return files.toList();
		}
	}

	private static MqttPublish receive(PahoV5SessionPersistence store, int id, String payload) throws Exception {
		MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 2, false, new MqttProperties());
		MqttPublish publish = new MqttPublish("t", message, new MqttProperties());
		publish.setMessageId(id);
		store.put("r-" + id, publish);
		return publish;
	}

	private static MqttMessage delivered(MqttPublish publish) {
		MqttMessage message = publish.getMessage();
		message.setId(publish.getMessageId());
		return message;
	}

	private record Rescued(String payload, Runnable processed) {
	}

}
