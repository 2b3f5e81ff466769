package dev.mqttspring.client.internal;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed connect attempts are logged at a readable rate: the first at WARN, then a summary
 * with the attempt count at most once per interval, each at DEBUG.
 */
class FailedConnectLogTests {

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final AtomicLong now = new AtomicLong();

	private final FailedConnectLog log = new FailedConnectLog(recordingLog(), Duration.ofSeconds(60), this.now::get);

	@Test
	void firstFailureIsAWarningThenASummaryPerInterval() {
		this.log.failed("app-1", "Could not connect: refused", false);
		for (int second = 1; second <= 150; second++) {
			this.now.set(Duration.ofSeconds(second).toNanos());
			this.log.failed("app-1", "Could not connect: refused " + second, false);
		}
		assertThat(warnings()).hasSize(3);
		assertThat(warnings().get(0)).isEqualTo(
				"WARN Could not connect: refused; further failed attempts are logged at most every 60 s (each at DEBUG)");
		assertThat(warnings().get(1)).startsWith("WARN MQTT client 'app-1' still cannot connect: 61 failed attempts since ")
			.endsWith("; the last: Could not connect: refused 60");
		assertThat(warnings().get(2)).contains(": 121 failed attempts since ").endsWith("refused 120");
		assertThat(this.lines).filteredOn((line) -> line.startsWith("DEBUG")).hasSize(151);
		assertThat(this.lines).filteredOn((line) -> line.startsWith("DEBUG")).last().asString()
			.isEqualTo("DEBUG MQTT connect attempt 151 of 'app-1' failed: Could not connect: refused 150");
	}

	@Test
	void firstFailureReportedByTheCallerIsNotLoggedTwice() {
		this.log.failed("app-1", "Could not connect: refused", true);
		this.now.set(Duration.ofSeconds(30).toNanos());
		this.log.failed("app-1", "Could not connect: refused", false);
		assertThat(warnings()).isEmpty();
		this.now.set(Duration.ofSeconds(60).toNanos());
		this.log.failed("app-1", "Could not connect: refused", false);
		assertThat(warnings()).singleElement().asString().contains("3 failed attempts");
	}

	@Test
	void connectingStartsANewRun() {
		this.log.failed("app-1", "first outage", false);
		this.log.failed("app-1", "first outage", false);
		assertThat(this.log.connected()).isEqualTo(2);
		this.log.failed("app-1", "second outage", false);
		assertThat(warnings()).hasSize(2).last().asString().startsWith("WARN second outage;");
		assertThat(this.log.connected()).isEqualTo(1);
	}

	private List<String> warnings() {
		return this.lines.stream().filter((line) -> line.startsWith("WARN")).toList();
	}

	private Log recordingLog() {
		return (Log) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Log.class },
				(proxy, method, args) -> {
					String name = method.getName();
					if (name.startsWith("is")) {
						return true;
					}
					if (args != null && args.length > 0) {
						this.lines.add(name.toUpperCase() + " " + args[0]);
					}
					return null;
				});
	}

}
