package dev.mqttspring.config;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Topic templates, groups and validation of endpoints.
 */
class SimpleMqttListenerEndpointTests {

	@Test
	void topicVariablesBecomeSingleLevelWildcards() {
		SimpleMqttListenerEndpoint endpoint = endpoint("sensors/{id}/{kind}", "alarms/#");
		assertThat(endpoint.getTopicFilters()).containsExactly("sensors/+/+", "alarms/#");
		assertThat(endpoint.topicVariables("sensors/42/temperature")).containsExactly(Map.entry("id", "42"),
				Map.entry("kind", "temperature"));
		assertThat(endpoint.topicVariables("alarms/x")).isEmpty();
		assertThat(endpoint.hasTopicVariable("kind")).isTrue();
		assertThat(endpoint.hasTopicVariable("room")).isFalse();
	}

	@Test
	void groupMakesSharedSubscriptionsAndVariablesStillBind() {
		SimpleMqttListenerEndpoint endpoint = endpoint("jobs/{queue}");
		endpoint.setGroup("workers");
		assertThat(endpoint.getTopicFilters()).containsExactly("$share/workers/jobs/+");
		assertThat(endpoint.topicVariables("jobs/q1")).containsExactly(Map.entry("queue", "q1"));
	}

	@Test
	void explicitShareFilterIsKept() {
		assertThat(endpoint("$share/g/a/{x}").getTopicFilters()).containsExactly("$share/g/a/+");
	}

	@Test
	void invalidDeclarationsNameTheListenerAndTheRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> endpoint("a/#/b").validate())
			.withMessageContaining("Invalid topic filter 'a/#/b' in @MqttSubscribe on test")
			.withMessageContaining("'#' is only allowed as the last level");
		assertThatIllegalArgumentException().isThrownBy(() -> endpoint().validate())
			.withMessageContaining("declares no topic");
		SimpleMqttListenerEndpoint grouped = endpoint("a");
		grouped.setGroup("a/b");
		assertThatIllegalArgumentException().isThrownBy(grouped::validate).withMessageContaining("group 'a/b' must not contain");
		SimpleMqttListenerEndpoint both = endpoint("$share/g/a");
		both.setGroup("h");
		assertThatIllegalArgumentException().isThrownBy(both::validate).withMessageContaining("either a plain filter with group");
		SimpleMqttListenerEndpoint qos = endpoint("a");
		qos.setQos(3);
		assertThatIllegalArgumentException().isThrownBy(qos::validate).withMessageContaining("QoS is 3");
		SimpleMqttListenerEndpoint dlt = endpoint("a");
		dlt.setDeadLetterTopic("dlt/+");
		assertThatIllegalArgumentException().isThrownBy(dlt::validate).withMessageContaining("Invalid dead-letter topic");
	}

	private static SimpleMqttListenerEndpoint endpoint(String... topics) {
		SimpleMqttListenerEndpoint endpoint = new SimpleMqttListenerEndpoint();
		endpoint.setId("test");
		endpoint.setTopics(List.of(topics));
		endpoint.setMessageListener((message) -> {
		});
		return endpoint;
	}

}
