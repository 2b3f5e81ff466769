package dev.mqttspring.core;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic matching against the examples of the MQTT specification (section 4.7).
 */
class MqttTopicsMatchingTests {

	@ParameterizedTest(name = "{0} ~ {1} = {2}")
	@CsvSource(delimiter = '|', value = { "sport/tennis/player1/#|sport/tennis/player1|true",
			"sport/tennis/player1/#|sport/tennis/player1/ranking|true",
			"sport/tennis/player1/#|sport/tennis/player1/score/wimbledon|true", "sport/#|sport|true",
			"sport/tennis/+|sport/tennis/player1|true", "sport/tennis/+|sport/tennis/player1/ranking|false",
			"sport/+|sport|false", "sport/+|sport/|true", "+/+|/finance|true", "/+|/finance|true", "+|/finance|false",
			"#|$SYS/uptime|false", "+/monitor/Clients|$SYS/monitor/Clients|false", "$SYS/#|$SYS/uptime|true",
			"$SYS/monitor/+|$SYS/monitor/Clients|true", "+//|c//|true", "a/b|a/b/|false", "a/b/|a/b|false",
			"$share/g/sensors/+|sensors/1|true", "#|a|true", "a/#|a|true", "a/+/c|a//c|true" })
	void matchesLikeTheSpecification(String filter, String topic, boolean expected) {
		assertThat(MqttTopics.matches(filter, topic)).isEqualTo(expected);
	}

	@Test
	void agreesWithMatchingBySplittingIntoLevels() {
		// the straightforward definition, as matches() was written before it stopped allocating
		String[] filterLevels = { "a", "b", "", "+", "$s", "ab" };
		String[] topicLevels = { "a", "b", "", "c", "$s", "ab" };
		Random random = new Random(7);
		for (int i = 0; i < 20_000; i++) {
			String filter = join(random, filterLevels, 4) + ((random.nextInt(4) == 0) ? "/#" : "");
			if (random.nextInt(20) == 0) {
				filter = "#";
			}
			String topic = join(random, topicLevels, 5);
			assertThat(MqttTopics.matches(filter, topic)).as("'%s' ~ '%s'", filter, topic)
				.isEqualTo(matchesBySplitting(filter, topic));
		}
	}

	private static String join(Random random, String[] levels, int maxDepth) {
		int depth = 1 + random.nextInt(maxDepth);
		StringBuilder name = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			name.append((i > 0) ? "/" : "").append(levels[random.nextInt(levels.length)]);
		}
		return name.toString();
	}

	private static boolean matchesBySplitting(String filter, String topic) {
		if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
			return false;
		}
		String[] filterLevels = filter.split("/", -1);
		String[] topicLevels = topic.split("/", -1);
		for (int i = 0; i < filterLevels.length; i++) {
			if (filterLevels[i].equals("#")) {
				return true;
			}
			if (i >= topicLevels.length || (!filterLevels[i].equals("+") && !filterLevels[i].equals(topicLevels[i]))) {
				return false;
			}
		}
		return filterLevels.length == topicLevels.length;
	}

}
