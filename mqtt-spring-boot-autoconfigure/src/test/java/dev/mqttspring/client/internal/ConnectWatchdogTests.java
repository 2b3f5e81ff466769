package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnectWatchdog}.
 */
class ConnectWatchdogTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void shutdown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void timeoutIsTheConnectionTimeoutPerServerUriPlusTwoSeconds() {
		assertThat(new ConnectWatchdog(Duration.ofSeconds(10), 3).timeout()).isEqualTo(Duration.ofSeconds(32));
		assertThat(new ConnectWatchdog(Duration.ofSeconds(10), 0).timeout()).isEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void attemptWithoutConnackTimesOut() {
		CompletableFuture<TimeoutException> timedOut = new CompletableFuture<>();
		new ConnectWatchdog(Duration.ZERO, 1).watch(this.scheduler, new AtomicBoolean(), () -> true, timedOut::complete);
		await().atMost(Duration.ofSeconds(5)).until(timedOut::isDone);
		assertThat(timedOut.join()).hasMessage("no CONNACK from the broker within 2000 ms (mqtt.connection-timeout per URL, plus 2 s)");
	}

	@Test
	void settledAttemptOrStoppedConnectionIsLeftAlone() throws Exception {
		CompletableFuture<TimeoutException> timedOut = new CompletableFuture<>();
		ConnectWatchdog watchdog = new ConnectWatchdog(Duration.ZERO, 1);
		AtomicBoolean settled = new AtomicBoolean();
		watchdog.watch(this.scheduler, settled, () -> true, timedOut::complete);
		settled.set(true);
		watchdog.watch(this.scheduler, new AtomicBoolean(), () -> false, timedOut::complete);
		AtomicBoolean ran = new AtomicBoolean();
		this.scheduler.schedule(() -> ran.set(true), 2500, java.util.concurrent.TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(5)).untilTrue(ran);
		assertThat(timedOut).isNotDone();
	}

	@Test
	void stoppedSchedulerIsIgnored() {
		this.scheduler.shutdownNow();
		new ConnectWatchdog(Duration.ZERO, 1).watch(this.scheduler, new AtomicBoolean(), () -> true, (ex) -> {
		});
	}

}
