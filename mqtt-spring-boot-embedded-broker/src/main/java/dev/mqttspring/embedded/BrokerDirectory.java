package dev.mqttspring.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The temporary base directory of one embedded HiveMQ run: {@code conf/config.xml},
 * {@code data} and {@code extensions}, created before start and deleted after stop.
 */
final class BrokerDirectory {

	private static final Log logger = LogFactory.getLog(BrokerDirectory.class);

	private BrokerDirectory() {
	}

	/**
	 * Create a new temporary directory with the given {@code config.xml}.
	 * @param configXml the HiveMQ configuration
	 * @return the directory
	 * @throws IllegalStateException if it could not be created
	 */
	static Path create(String configXml) {
		Path directory = null;
		try {
			directory = Files.createTempDirectory("embedded-mqtt-broker-");
			Files.createDirectories(directory.resolve("conf"));
			Files.createDirectories(directory.resolve("data"));
			Files.createDirectories(directory.resolve("extensions"));
			Files.writeString(configFolder(directory).resolve("config.xml"), configXml, StandardCharsets.UTF_8);
			return directory;
		}
		catch (IOException ex) {
			delete(directory);
			throw new IllegalStateException("Could not create the embedded MQTT broker directory: " + ex, ex);
		}
	}

	static Path configFolder(Path directory) {
		return directory.resolve("conf");
	}

	static Path dataFolder(Path directory) {
		return directory.resolve("data");
	}

	static Path extensionsFolder(Path directory) {
		return directory.resolve("extensions");
	}

	/**
	 * Delete the directory and everything in it; a failure is logged, not thrown.
	 * @param directory the directory, may be {@code null} or gone
	 */
	static void delete(@Nullable Path directory) {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try {
			Files.walkFileTree(directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException ex) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not delete the embedded MQTT broker directory " + directory + ": " + ex);
		}
	}

}
