package dev.mqttspring.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MosquittoDirectory}.
 */
class MosquittoDirectoryTests {

	@Test
	void createsAWorldWritableDirectoryUnderTheParent(@TempDir Path temp) throws Exception {
		MosquittoDirectory directory = MosquittoDirectory.create(temp);
		assertThat(directory.root().getParent()).isEqualTo(temp);
		assertThat(directory.root().getFileName().toString()).startsWith("mosquitto-");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.root())))
			.isEqualTo("rwxrwxrwx");
		assertThat(directory.log()).startsWith("<no log file ");
	}

	@Test
	void writesUserFilesOnlyWhenThereIsSomethingToWrite(@TempDir Path temp) throws Exception {
		MosquittoDirectory directory = MosquittoDirectory.create(temp);
		directory.writeUserFiles(Map.of(), null);
		assertThat(directory.dataDirectory()).isEmptyDirectory();
		assertThat(directory.passwordFile()).doesNotExist();
		assertThat(directory.aclFile()).doesNotExist();
		directory.writeUserFiles(Map.of("alice", "secret"), "topic read #");
		assertThat(directory.passwordFile()).content().startsWith("alice:$7$");
		assertThat(directory.aclFile()).hasContent("topic read #\n");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.aclFile())))
			.isEqualTo("rw-r--r--");
	}

	@Test
	void readsTheLogAndDeletesEverything(@TempDir Path temp) throws Exception {
		MosquittoDirectory directory = MosquittoDirectory.create(temp);
		directory.writeUserFiles(Map.of(), "topic #");
		directory.write(directory.logFile(), "mosquitto version 2.0 running\n");
		assertThat(directory.log()).isEqualTo("mosquitto version 2.0 running\n");
		directory.delete();
		assertThat(directory.root()).doesNotExist();
		directory.delete();
	}

}
