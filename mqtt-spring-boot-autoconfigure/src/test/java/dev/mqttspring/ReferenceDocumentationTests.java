package dev.mqttspring;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.mqttspring.metrics.MqttMetricsNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/reference.md true: every configuration property the build generates metadata for,
 * and every meter name, is documented there.
 */
class ReferenceDocumentationTests {

	private static final Path REFERENCE = Path.of("..", "docs", "reference.md");

	@Test
	void everyPropertyIsDocumented() throws IOException {
		String reference = Files.readString(REFERENCE);
		JsonNode metadata = JsonMapper.builder().build()
			.readTree(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json").toFile());
		List<String> missing = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (!reference.contains("`" + name + "`")) {
				missing.add(name);
			}
		}
		assertThat(missing).as("properties missing from docs/reference.md (write them as `name` in the property table)").isEmpty();
	}

	@Test
	void everyMeterIsDocumented() throws Exception {
		String reference = Files.readString(REFERENCE);
		List<String> missing = new ArrayList<>();
		for (Field field : MqttMetricsNames.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && !field.getName().startsWith("TAG_")
					&& !field.getName().startsWith("OUTCOME_")) {
				String meter = (String) field.get(null);
				if (!reference.contains("`" + meter + "`")) {
					missing.add(meter);
				}
			}
		}
		assertThat(missing).as("meters missing from docs/reference.md").isEmpty();
	}

}
