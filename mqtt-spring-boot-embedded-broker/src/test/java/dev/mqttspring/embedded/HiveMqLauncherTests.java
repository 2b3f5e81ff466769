package dev.mqttspring.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import com.codahale.metrics.MetricRegistry;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.exceptions.UnrecoverableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link HiveMqLauncher}.
 */
class HiveMqLauncherTests {

	@Test
	void recognisesABindFailureAnywhereInTheCauseChain() {
		UnrecoverableException unrecoverable = new UnrecoverableException(false);
		assertThat(HiveMqLauncher.isListenerBindFailure(unrecoverable)).isTrue();
		assertThat(HiveMqLauncher.isListenerBindFailure(new IllegalStateException("start", unrecoverable))).isTrue();
		assertThat(HiveMqLauncher.isListenerBindFailure(new IllegalStateException("other", new IOException()))).isFalse();
		assertThat(HiveMqLauncher.isListenerBindFailure(null)).isFalse();
	}

	@Test
	void closesQuietlyWithinTheTimeoutEvenWhenCloseHangsOrFails() {
		CountDownLatch release = new CountDownLatch(1);
		long start = System.nanoTime();
		HiveMqLauncher.closeQuietly(new StubHiveMq(() -> release.await()), Duration.ofMillis(200));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		release.countDown();
		HiveMqLauncher.closeQuietly(new StubHiveMq(() -> {
			throw new ExecutionException(new IllegalStateException("boom"));
		}), Duration.ofSeconds(5));
		CountDownLatch closed = new CountDownLatch(1);
		HiveMqLauncher.closeQuietly(new StubHiveMq(closed::countDown), Duration.ofSeconds(5));
		assertThat(closed.getCount()).isZero();
	}

	@Test
	void doesNotRetryWhenTheFixedPortIsTaken() throws Exception {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(loopback, 0));
			HiveMqLauncher launcher = new HiveMqLauncher(loopback, Duration.ofSeconds(30), Duration.ofSeconds(30),
					List.of(), EmbeddedMqttBroker.builder().build()::configXml);
			assertThatIllegalStateException()
				.isThrownBy(() -> launcher.launch(taken.getLocalPort(), EmbeddedMqttBroker.WEBSOCKET_DISABLED))
				.withMessage("Embedded MQTT broker could not bind its TCP listener to 127.0.0.1:"
						+ taken.getLocalPort());
		}
	}

	@FunctionalInterface
	interface Close {

		void run() throws ExecutionException, InterruptedException;

	}

	private record StubHiveMq(Close onClose) implements EmbeddedHiveMQ {

		@Override
		public CompletableFuture<Void> start() {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> stop() {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public MetricRegistry getMetricRegistry() {
			return new MetricRegistry();
		}

		@Override
		public void close() throws ExecutionException, InterruptedException {
			this.onClose.run();
		}

	}

}
