package dev.mqttspring.client.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The durable outbox's file: what is pending survives a reopen, in order and whole; what
 * is done does not; torn tails, compaction, the bound and the directory lock.
 */
class FileOutboxTests {

	private static final Duration NO_SYNC = Duration.ofHours(1);

	@TempDir
	Path directory;

	@Test
	void pendingRecordsAreReplayedInOrderAfterReopenAndDoneOnesAreNot() {
		List<Long> ids = new ArrayList<>();
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			for (int i = 0; i < 5; i++) {
				ids.add(outbox.add(message("t/" + i, "p" + i)));
			}
			outbox.done(ids.get(1));
			outbox.done(ids.get(3));
			assertThat(outbox.pendingMessages()).isEqualTo(3);
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			List<FileOutbox.Replay> replay = outbox.takeReplay();
			assertThat(replay).extracting((entry) -> entry.message().topic()).containsExactly("t/0", "t/2", "t/4");
			assertThat(replay).extracting((entry) -> new String(entry.message().payload(), StandardCharsets.UTF_8))
				.containsExactly("p0", "p2", "p4");
			assertThat(outbox.pendingMessages()).isEqualTo(3);
			// new ids never collide with the replayed ones
			long next = outbox.add(message("t/5", "p5"));
			assertThat(replay).extracting(FileOutbox.Replay::id).doesNotContain(next);
			replay.forEach((entry) -> outbox.done(entry.id()));
			outbox.done(next);
			assertThat(outbox.pendingMessages()).isZero();
			assertThat(outbox.fileBytes()).as("emptied when nothing is pending").isZero();
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			assertThat(outbox.takeReplay()).isEmpty();
		}
	}

	@Test
	void messagePropertiesSurvive() throws Exception {
		MqttMessageProperties properties = MqttMessageProperties.builder()
			.contentType("application/json")
			.responseTopic("replies/1")
			.correlationData(new byte[] { 1, 2, 3 })
			.messageExpiryInterval(3600L)
			.payloadFormatUtf8(true)
			.userProperty("a", "1")
			.userProperty("a", "2")
			.build();
		MqttOutboundMessage message = new MqttOutboundMessage("t/é", new byte[] { 0, -1, 7 }, 2, true, properties);
		MqttOutboundMessage decoded = FileOutbox.decode(FileOutbox.encode(message));
		assertThat(decoded.topic()).isEqualTo("t/é");
		assertThat(decoded.payload()).containsExactly(0, -1, 7);
		assertThat(decoded.qos()).isEqualTo(2);
		assertThat(decoded.retain()).isTrue();
		assertThat(decoded.properties().getContentType()).isEqualTo("application/json");
		assertThat(decoded.properties().getResponseTopic()).isEqualTo("replies/1");
		assertThat(decoded.properties().getCorrelationData()).containsExactly(1, 2, 3);
		assertThat(decoded.properties().getMessageExpiryInterval()).isEqualTo(3600L);
		assertThat(decoded.properties().getPayloadFormatUtf8()).isTrue();
		assertThat(decoded.properties().getUserProperties()).extracting("value").containsExactly("1", "2");
		MqttOutboundMessage plain = FileOutbox.decode(FileOutbox.encode(message("t", "x")));
		assertThat(plain.properties().isEmpty()).isTrue();
	}

	@Test
	void tornLastRecordIsCutOffAndTheRestReplayed() throws Exception {
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			outbox.add(message("t/0", "whole"));
			outbox.add(message("t/1", "torn"));
		}
		Path file = this.directory.resolve(FileOutbox.FILE_NAME);
		long size = Files.size(file);
		try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
			// the process died in the middle of writing the last record
			channel.truncate(size - 3);
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			assertThat(outbox.takeReplay()).extracting((entry) -> entry.message().topic()).containsExactly("t/0");
			outbox.add(message("t/2", "after"));
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			assertThat(outbox.takeReplay()).extracting((entry) -> entry.message().topic()).containsExactly("t/0", "t/2");
		}
	}

	@Test
	void corruptRecordEndsTheReadableLog() throws Exception {
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			outbox.add(message("t/0", "good"));
			outbox.add(message("t/1", "flipped"));
		}
		Path file = this.directory.resolve(FileOutbox.FILE_NAME);
		byte[] bytes = Files.readAllBytes(file);
		bytes[bytes.length - 2] ^= 0x55;
		Files.write(file, bytes);
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			assertThat(outbox.takeReplay()).extracting((entry) -> entry.message().topic()).containsExactly("t/0");
		}
	}

	@Test
	void fileIsCompactedWhileRecordsStayPending() {
		byte[] payload = new byte[10_000];
		try (FileOutbox outbox = FileOutbox.open(this.directory, 64L << 20, NO_SYNC, 1L << 20)) {
			outbox.add(new MqttOutboundMessage("keep", payload, 1, false, MqttMessageProperties.NONE));
			long largest = 0;
			for (int i = 0; i < 1_000; i++) {
				long id = outbox.add(new MqttOutboundMessage("t/" + i, payload, 1, false, MqttMessageProperties.NONE));
				outbox.done(id);
				largest = Math.max(largest, outbox.fileBytes());
			}
			// 10 MB written in all: the file never holds much more than the compaction threshold (1 MB here)
			assertThat(largest).isLessThan(2L << 20);
			assertThat(outbox.pendingMessages()).isEqualTo(1);
			outbox.add(message("last", "x"));
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 64L << 20, NO_SYNC)) {
			assertThat(outbox.takeReplay()).extracting((entry) -> entry.message().topic()).containsExactly("keep", "last");
		}
	}

	@Test
	void publishBeyondTheBoundFailsNamingTheProperty() {
		try (FileOutbox outbox = FileOutbox.open(this.directory, 2_000, NO_SYNC)) {
			outbox.add(new MqttOutboundMessage("a", new byte[1_500], 1, false, MqttMessageProperties.NONE));
			assertThatThrownBy(() -> outbox.add(new MqttOutboundMessage("b", new byte[1_500], 1, false,
					MqttMessageProperties.NONE)))
				.isInstanceOf(FileOutbox.OutboxFullException.class)
				.hasMessageContaining("'b'")
				.hasMessageContaining("mqtt.outbox.max-size=2000 bytes");
			assertThat(outbox.pendingMessages()).isEqualTo(1);
		}
	}

	@Test
	void directoryIsUsedByOneOutboxAtATime() {
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, NO_SYNC)) {
			assertThatIllegalStateException().isThrownBy(() -> FileOutbox.open(this.directory, 1 << 20, NO_SYNC))
				.withMessageContaining(this.directory.toString())
				.withMessageContaining("mqtt.outbox.directory")
				.withMessageContaining("its own directory");
		}
		// released on close
		FileOutbox.open(this.directory, 1 << 20, NO_SYNC).close();
	}

	@Test
	void syncEveryWriteStillWorks() {
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, Duration.ZERO)) {
			long id = outbox.add(message("t", "x"));
			outbox.add(message("u", "y"));
			outbox.done(id);
		}
		try (FileOutbox outbox = FileOutbox.open(this.directory, 1 << 20, Duration.ZERO)) {
			assertThat(outbox.takeReplay()).extracting((entry) -> entry.message().topic()).containsExactly("u");
		}
	}

	private static MqttOutboundMessage message(String topic, String payload) {
		return new MqttOutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, MqttMessageProperties.NONE);
	}

}
