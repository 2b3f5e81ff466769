package dev.mqttspring.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The temporary directory of a {@link MosquittoBroker}: configuration, password and ACL
 * files, persistence data and log. It is world-accessible because mosquitto started as
 * root may drop to the {@code mosquitto} user before reading or writing there.
 */
final class MosquittoDirectory {

	private final Path root;

	private MosquittoDirectory(Path root) {
		this.root = root;
	}

	/**
	 * Create a new directory.
	 * @param parent where to create it, {@code null} for {@code java.io.tmpdir}
	 * @return the directory
	 * @throws IOException if it could not be created
	 */
	static MosquittoDirectory create(@Nullable Path parent) throws IOException {
		Path root = (parent != null) ? Files.createTempDirectory(parent, "mosquitto-")
				: Files.createTempDirectory("mosquitto-");
		makeWorldAccessible(root, true);
		return new MosquittoDirectory(root);
	}

	Path root() {
		return this.root;
	}

	Path dataDirectory() {
		return this.root.resolve("data");
	}

	Path passwordFile() {
		return this.root.resolve("passwords");
	}

	Path aclFile() {
		return this.root.resolve("acl");
	}

	Path configFile() {
		return this.root.resolve("mosquitto.conf");
	}

	Path logFile() {
		return this.root.resolve("mosquitto.log");
	}

	/**
	 * Create the data directory and write the password file (if there are users) and the
	 * ACL file (if there is one).
	 * @param users the users and clear text passwords
	 * @param acl the ACL file content or {@code null}
	 * @throws IOException if a file could not be written
	 */
	void writeUserFiles(Map<String, String> users, @Nullable String acl) throws IOException {
		Files.createDirectories(dataDirectory());
		makeWorldAccessible(dataDirectory(), true);
		if (!users.isEmpty()) {
			write(passwordFile(), MosquittoPasswords.file(users));
		}
		if (acl != null) {
			write(aclFile(), acl.endsWith("\n") ? acl : acl + "\n");
		}
	}

	/**
	 * Write a world-readable file.
	 * @param file the file
	 * @param content its content
	 * @throws IOException if it could not be written
	 */
	void write(Path file, String content) throws IOException {
		Files.writeString(file, content, StandardCharsets.UTF_8);
		makeWorldAccessible(file, false);
	}

	/**
	 * Whether this JVM runs as root (judged by the directory's owner, else the user name).
	 * @return {@code true} for root
	 */
	boolean ownedByRoot() {
		try {
			Object uid = Files.getAttribute(this.root, "unix:uid");
			return Integer.valueOf(0).equals(uid);
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	/**
	 * Return the log's content, or an explanatory text if it cannot be read.
	 * @return the log content
	 */
	String log() {
		Path file = logFile();
		try {
			return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "<no log file " + file + ">";
		}
		catch (IOException ex) {
			return "<could not read " + file + ": " + ex + ">";
		}
	}

	/**
	 * Delete the directory and everything in it, best effort.
	 */
	void delete() {
		if (!Files.exists(this.root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	private static void makeWorldAccessible(Path path, boolean directory) {
		try {
			Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwxrwxrwx" : "rw-r--r--"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			// best effort, only needed when mosquitto drops privileges
		}
	}

}
