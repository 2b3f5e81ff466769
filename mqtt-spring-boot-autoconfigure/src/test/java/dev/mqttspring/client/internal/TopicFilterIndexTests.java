package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.mqttspring.core.MqttTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter tree finds exactly the filters that {@link MqttTopics#matches} accepts.
 */
class TopicFilterIndexTests {

	private static final String[] FILTER_LEVELS = { "a", "b", "", "+", "$sys" };

	private static final String[] TOPIC_LEVELS = { "a", "b", "", "c", "$sys" };

	@Test
	void agreesWithTopicMatchingOnGeneratedFiltersAndTopics() {
		Random random = new Random(42);
		Map<String, String> filters = new LinkedHashMap<>();
		for (int i = 0; i < 400; i++) {
			String filter = randomFilter(random);
			if (random.nextInt(10) == 0) {
				filter = "$share/g" + random.nextInt(3) + "/" + filter;
			}
			filters.put(filter, filter);
		}
		filters.put("#", "#");
		filters.put("a/#", "a/#");
		TopicFilterIndex<String> index = new TopicFilterIndex<>(filters);
		for (int i = 0; i < 2000; i++) {
			String topic = randomTopic(random);
			List<String> expected = filters.keySet().stream().filter((f) -> MqttTopics.matches(f, topic)).sorted().toList();
			List<String> actual = new ArrayList<>();
			index.forEachMatch(topic, actual::add);
			assertThat(actual).as("filters matching '%s'", topic).hasSameSizeAs(expected);
			assertThat(actual.stream().sorted().toList()).isEqualTo(expected);
		}
	}

	@Test
	void keptAnswersAgreeWithTheTreeAlsoBeyondTheTopicsKept() {
		Random random = new Random(11);
		Map<String, String> filters = new LinkedHashMap<>();
		for (int i = 0; i < 100; i++) {
			String filter = randomFilter(random);
			filters.put(filter, filter);
		}
		TopicFilterIndex<String> index = new TopicFilterIndex<>(filters);
		List<String> topics = new ArrayList<>();
		for (int i = 0; i < TopicFilterIndex.CACHED_TOPICS + 500; i++) {
			topics.add("device/" + i + "/" + randomTopic(random));
		}
		topics.add("a");
		for (int round = 0; round < 2; round++) {
			for (String topic : topics) {
				List<String> walked = new ArrayList<>();
				index.forEachMatch(topic, walked::add);
				assertThat(index.matches(topic)).as("filters matching '%s', round %d", topic, round)
					.containsExactlyInAnyOrderElementsOf(walked);
			}
		}
		assertThat(index.matches("a")).containsExactlyInAnyOrderElementsOf(
				filters.keySet().stream().filter((f) -> MqttTopics.matches(f, "a")).toList());
	}

	@Test
	void dollarTopicsDoNotMatchLeadingWildcards() {
		TopicFilterIndex<String> index = new TopicFilterIndex<>(Map.of("#", "#", "+/x", "+/x", "$SYS/#", "$SYS/#"));
		List<String> matches = new ArrayList<>();
		index.forEachMatch("$SYS/x", matches::add);
		assertThat(matches).containsExactly("$SYS/#");
	}

	private static String randomFilter(Random random) {
		int depth = 1 + random.nextInt(4);
		StringBuilder filter = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			if (i > 0) {
				filter.append('/');
			}
			filter.append(FILTER_LEVELS[random.nextInt(FILTER_LEVELS.length)]);
		}
		if (random.nextInt(4) == 0) {
			filter.append("/#");
		}
		return filter.toString();
	}

	private static String randomTopic(Random random) {
		int depth = 1 + random.nextInt(5);
		StringBuilder topic = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			if (i > 0) {
				topic.append('/');
			}
			topic.append(TOPIC_LEVELS[random.nextInt(TOPIC_LEVELS.length)]);
		}
		return topic.toString();
	}

}
