package dev.mqttspring.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PublishFailureLog}.
 */
class PublishFailureLogTests {

	private final List<String> warnings = new ArrayList<>();

	private final PublishFailureLog log = new PublishFailureLog(new NoOpLog() {

		@Override
		public void warn(Object message) {
			PublishFailureLogTests.this.warnings.add(String.valueOf(message));
		}

	});

	@Test
	void warnsAtMostEveryTenSecondsAndCountsTheFailuresInBetween() {
		long start = 0;
		this.log.failed("a", new IllegalStateException("first"), start);
		this.log.failed("a", new IllegalStateException("second"), start + 1);
		this.log.failed("a", new IllegalStateException("third"), start + PublishFailureLog.WARN_INTERVAL_NANOS - 1);
		assertThat(this.warnings).containsExactly("MQTT publish failed: first");
		this.log.failed("a", new IllegalStateException("fourth"), start + PublishFailureLog.WARN_INTERVAL_NANOS);
		assertThat(this.warnings).containsExactly("MQTT publish failed: first",
				"MQTT publish failed: fourth (and 2 more publish failures since the last report)");
		this.log.failed("a", new IllegalStateException("fifth"), start + 3 * PublishFailureLog.WARN_INTERVAL_NANOS);
		assertThat(this.warnings).last().isEqualTo("MQTT publish failed: fifth");
	}

}
