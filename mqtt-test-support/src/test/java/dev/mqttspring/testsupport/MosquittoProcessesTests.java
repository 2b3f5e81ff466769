package dev.mqttspring.testsupport;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MosquittoProcesses}.
 */
class MosquittoProcessesTests {

	@Test
	void awaitsFreePortsUntilTheDeadline() throws Exception {
		int free = FreePorts.find();
		MosquittoProcesses.awaitBindable(free, -1, System.nanoTime());
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(FreePorts.loopback(), 0));
			long deadline = System.nanoTime() + Duration.ofMillis(100).toNanos();
			assertThatIllegalStateException()
				.isThrownBy(() -> MosquittoProcesses.awaitBindable(free, taken.getLocalPort(), deadline))
				.withMessage("Port " + free + " or " + taken.getLocalPort()
						+ " on 127.0.0.1 is still in use; cannot start mosquitto");
			assertThat(MosquittoProcesses.accepts(taken.getLocalPort())).isTrue();
		}
		assertThat(MosquittoProcesses.accepts(free)).isFalse();
	}

	@Test
	void findsTheRunningLineAfterTheOffsetOnly(@TempDir Path temp) throws Exception {
		Path log = temp.resolve("mosquitto.log");
		assertThat(MosquittoProcesses.size(log)).isZero();
		assertThat(MosquittoProcesses.loggedRunningSince(log, 0)).isFalse();
		Files.writeString(log, "1: mosquitto version 2.0.18 running\n", StandardCharsets.UTF_8);
		long offset = MosquittoProcesses.size(log);
		assertThat(MosquittoProcesses.loggedRunningSince(log, 0)).isTrue();
		assertThat(MosquittoProcesses.loggedRunningSince(log, offset)).isFalse();
		Files.writeString(log, "2: mosquitto version 2.0.18 running\n", StandardCharsets.UTF_8,
				java.nio.file.StandardOpenOption.APPEND);
		assertThat(MosquittoProcesses.loggedRunningSince(log, offset)).isTrue();
	}

	@Test
	void reportsAnExitedProcessAndSignalsAndWaitsForOthers(@TempDir Path temp) throws Exception {
		Path log = temp.resolve("log");
		Process exited = new ProcessBuilder("true").start();
		assertThat(MosquittoProcesses.waitFor(exited, Duration.ofSeconds(10))).isTrue();
		assertThat(MosquittoProcesses.awaitReady(exited, log, 0, FreePorts.find(), -1, System.nanoTime()))
			.isEqualTo(MosquittoProcesses.Readiness.EXITED);
		Process sleeping = new ProcessBuilder("sleep", "30").start();
		try {
			assertThat(MosquittoProcesses.awaitReady(sleeping, log, 0, FreePorts.find(), -1, System.nanoTime()))
				.isEqualTo(MosquittoProcesses.Readiness.TIMED_OUT);
			MosquittoProcesses.signal(sleeping.pid(), "STOP");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> processState(sleeping.pid()) == 'T');
			MosquittoProcesses.signal(sleeping.pid(), "CONT");
			await().atMost(Duration.ofSeconds(10)).until(() -> processState(sleeping.pid()) != 'T');
			assertThat(MosquittoProcesses.waitFor(sleeping, Duration.ofMillis(50))).isFalse();
			MosquittoProcesses.signal(sleeping.pid(), "TERM");
			assertThat(MosquittoProcesses.waitFor(sleeping, Duration.ofSeconds(10))).isTrue();
		}
		finally {
			sleeping.destroyForcibly();
		}
	}

	private static char processState(long pid) throws Exception {
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		return stat.charAt(stat.lastIndexOf(')') + 2);
	}

}
