package dev.mqttspring.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mqttspring.client.KeepAliveProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link KeepAliveWatchdog}.
 */
class KeepAliveWatchdogTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final AtomicBoolean connected = new AtomicBoolean(true);

	private final KeepAliveWatchdog watchdog = new KeepAliveWatchdog(LogFactory.getLog(getClass()), "watched",
			this.connected::get);

	private final List<String> unreported = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutdown() {
		this.scheduler.shutdownNow();
	}

	@Test
	void silentBrokerIsPingedAfterAKeepAliveThenDroppedAfterOneAndAHalf() {
		FakeProbe probe = new FakeProbe();
		long started = System.nanoTime();
		this.watchdog.start(this.scheduler, probe, 1, this.unreported::add);
		await().atMost(Duration.ofSeconds(5)).until(() -> probe.pings.get() > 0);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(probe.drops.get()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> probe.drops.get() == 1);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		// the client library reports the loss: the connection asks why
		this.watchdog.cancel();
		assertThat(this.watchdog.takeLoss()).isEqualTo("no packet from the broker within 1.5 x keep-alive (1 s)");
		assertThat(this.watchdog.takeLoss()).isNull();
		assertThat(this.unreported).isEmpty();
	}

	@Test
	void brokerThatKeepsTalkingIsNeitherPingedNorDropped() {
		FakeProbe probe = new FakeProbe();
		this.scheduler.scheduleAtFixedRate(() -> probe.lastInbound = System.nanoTime(), 0, 100,
				java.util.concurrent.TimeUnit.MILLISECONDS);
		this.watchdog.start(this.scheduler, probe, 1, this.unreported::add);
		await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
			.until(() -> probe.pings.get() == 0 && probe.drops.get() == 0);
	}

	@Test
	void lossThatTheClientLibraryDoesNotReportIsReportedAfterAGracePeriod() {
		FakeProbe probe = new FakeProbe();
		this.watchdog.start(this.scheduler, probe, 1, this.unreported::add);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.unreported.isEmpty());
		assertThat(probe.drops.get()).isEqualTo(1);
		assertThat(this.unreported).containsExactly("no packet from the broker within 1.5 x keep-alive (1 s)");
	}

	@Test
	void unknownActivityOrNoProbeOrNoKeepAliveLeavesTheWatchdogOff() {
		FakeProbe unknown = new FakeProbe();
		unknown.lastInbound = KeepAliveProbe.UNKNOWN;
		this.watchdog.start(this.scheduler, unknown, 1, this.unreported::add);
		FakeProbe silent = new FakeProbe();
		KeepAliveWatchdog other = new KeepAliveWatchdog(LogFactory.getLog(getClass()), "other", this.connected::get);
		other.start(this.scheduler, silent, 0, this.unreported::add);
		other.start(this.scheduler, null, 1, this.unreported::add);
		await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3))
			.until(() -> unknown.pings.get() + silent.pings.get() + silent.drops.get() == 0);
	}

	@Test
	void watchdogStopsLookingWhenCancelledOrDisconnected() {
		FakeProbe cancelled = new FakeProbe();
		this.watchdog.start(this.scheduler, cancelled, 1, this.unreported::add);
		this.watchdog.cancel();
		FakeProbe disconnected = new FakeProbe();
		AtomicBoolean up = new AtomicBoolean(true);
		KeepAliveWatchdog other = new KeepAliveWatchdog(LogFactory.getLog(getClass()), "other", up::get);
		other.start(this.scheduler, disconnected, 1, this.unreported::add);
		up.set(false);
		await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(3))
			.until(() -> cancelled.pings.get() + disconnected.pings.get() == 0);
	}

	private static final class FakeProbe implements KeepAliveProbe {

		volatile long lastInbound = System.nanoTime();

		final AtomicInteger pings = new AtomicInteger();

		final AtomicInteger drops = new AtomicInteger();

		@Override
		public long lastInboundNanos() {
			return this.lastInbound;
		}

		@Override
		public void ping() {
			this.pings.incrementAndGet();
		}

		@Override
		public void drop() {
			this.drops.incrementAndGet();
		}

	}

}
