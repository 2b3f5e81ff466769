package dev.mqttspring.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BrokerDirectory}.
 */
class BrokerDirectoryTests {

	@Test
	void createsTheFoldersWithTheConfigurationAndDeletesThemAgain() throws Exception {
		Path directory = BrokerDirectory.create("<hivemq/>");
		try {
			assertThat(directory.getFileName().toString()).startsWith("embedded-mqtt-broker-");
			assertThat(BrokerDirectory.configFolder(directory).resolve("config.xml"))
				.content(StandardCharsets.UTF_8)
				.isEqualTo("<hivemq/>");
			assertThat(BrokerDirectory.dataFolder(directory)).isEmptyDirectory();
			assertThat(BrokerDirectory.extensionsFolder(directory)).isEmptyDirectory();
			Files.writeString(BrokerDirectory.dataFolder(directory).resolve("some.bin"), "data");
		}
		finally {
			BrokerDirectory.delete(directory);
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void deletingNothingOrAMissingDirectoryDoesNothing(@org.junit.jupiter.api.io.TempDir Path temp) {
		BrokerDirectory.delete(null);
		BrokerDirectory.delete(temp.resolve("gone"));
		assertThat(temp).isEmptyDirectory();
	}

}
