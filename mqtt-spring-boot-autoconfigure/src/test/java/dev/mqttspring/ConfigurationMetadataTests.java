package dev.mqttspring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build generates (what IDEs complete) has value hints
 * for the properties with a fixed set of values, and every hint names a property that
 * exists.
 */
class ConfigurationMetadataTests {

	private static JsonNode metadata() {
		return JsonMapper.builder().build()
			.readTree(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json").toFile());
	}

	@Test
	void propertiesWithAFixedSetOfValuesHaveValueHints() {
		JsonNode metadata = metadata();
		assertThat(values(metadata, "mqtt.version")).containsExactly("5", "3.1.1");
		assertThat(values(metadata, "mqtt.client-library")).containsExactly("hivemq", "paho");
		assertThat(values(metadata, "mqtt.listener.ack-mode")).containsExactly("received", "processed");
		assertThat(values(metadata, "mqtt.persistence.type")).containsExactly("memory", "file");
		assertThat(values(metadata, "mqtt.template.qos-exceeded")).containsExactly("fail", "downgrade");
		assertThat(values(metadata, "mqtt.template.qos")).containsExactly("0", "1", "2");
		assertThat(values(metadata, "mqtt.will.qos")).containsExactly("0", "1", "2");
		assertThat(values(metadata, "mqtt.max-qos")).containsExactly("0", "1", "2");
		assertThat(values(metadata, "management.health.mqtt.refused-subscription-status")).containsExactly("OUT_OF_SERVICE",
				"DOWN", "UP");
	}

	@Test
	void everyHintNamesAnExistingPropertyAndEveryValueIsDescribed() {
		JsonNode metadata = metadata();
		List<String> properties = new ArrayList<>();
		metadata.get("properties").forEach((property) -> properties.add(property.get("name").asString()));
		for (JsonNode hint : metadata.get("hints")) {
			String name = hint.get("name").asString();
			assertThat(properties).as("hint for an unknown property").contains(name);
			if (hint.has("values")) {
				hint.get("values").forEach((value) -> assertThat(value.path("description").asString()).as(name).isNotBlank());
			}
		}
	}

	@Test
	void enumDefaultsMatchTheirHints() {
		JsonNode metadata = metadata();
		assertThat(defaultValue(metadata, "mqtt.version")).isEqualTo("5");
		assertThat(defaultValue(metadata, "mqtt.persistence.type")).isEqualTo("memory");
		assertThat(defaultValue(metadata, "mqtt.template.qos-exceeded")).isEqualTo("fail");
		assertThat(defaultValue(metadata, "mqtt.client-library")).isEqualTo("hivemq");
	}

	private static List<String> values(JsonNode metadata, String name) {
		for (JsonNode hint : metadata.get("hints")) {
			if (name.equals(hint.get("name").asString())) {
				List<String> values = new ArrayList<>();
				hint.get("values").forEach((value) -> values.add(value.get("value").asString()));
				return values;
			}
		}
		throw new AssertionError("No value hint for " + name + " in the generated metadata");
	}

	private static String defaultValue(JsonNode metadata, String name) {
		for (JsonNode property : metadata.get("properties")) {
			if (name.equals(property.get("name").asString())) {
				return property.path("defaultValue").asString();
			}
		}
		throw new AssertionError("No property " + name);
	}

}
