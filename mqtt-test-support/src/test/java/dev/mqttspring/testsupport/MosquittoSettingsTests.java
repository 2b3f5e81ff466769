package dev.mqttspring.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link MosquittoSettings}.
 */
class MosquittoSettingsTests {

	@Test
	void rejectsInconsistentOptions() {
		assertThatIllegalStateException().isThrownBy(() -> settings(0, 0, null, false, 60))
			.withMessage("autosaveInterval requires persistence(true)");
		assertThatIllegalStateException().isThrownBy(() -> settings(1883, 1883, tls(), false, null))
			.withMessage("port and tlsPort must differ, both are 1883");
		assertThatIllegalStateException().isThrownBy(() -> new MosquittoSettings(0, 0, null, Map.of(), null, null,
				true, false, null, null, null, false, null, null, List.of(), false))
			.withMessage("Client certificate options require tls(...)");
	}

	@Test
	void keepsConfiguredPortsAndPicksDistinctFreeOnes() {
		assertThat(settings(1883, 8883, tls(), false, null).choosePorts()).containsExactly(1883, 8883);
		assertThat(settings(1883, 0, null, false, null).choosePorts()).containsExactly(1883, -1);
		int[] random = settings(0, 0, tls(), false, null).choosePorts();
		assertThat(random[0]).isPositive().isNotEqualTo(random[1]);
		assertThat(random[1]).isPositive();
		assertThat(settings(0, 0, tls(), false, null).autoPorts()).isTrue();
		assertThat(settings(1883, 0, null, false, null).autoPorts()).isFalse();
		assertThat(settings(1883, 0, tls(), false, null).autoPorts()).isTrue();
	}

	@Test
	void checksSingleValues(@TempDir Path temp) throws Exception {
		assertThatIllegalArgumentException().isThrownBy(() -> MosquittoSettings.checkPort(65536))
			.withMessage("Port must be between 0 and 65535 but was 65536");
		assertThatIllegalArgumentException().isThrownBy(() -> MosquittoSettings.checkPositive(0, "maxPacketSize"))
			.withMessage("maxPacketSize must be positive but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> MosquittoSettings.checkNotNegative(-1, "autosaveInterval"))
			.withMessage("autosaveInterval must not be negative but was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> MosquittoSettings.requireFile(temp.resolve("ca.pem")))
			.withMessageContaining("does not exist");
		Path file = Files.writeString(temp.resolve("ca.pem"), "pem");
		assertThat(MosquittoSettings.requireFile(file)).isEqualTo(file);
	}

	static MosquittoSettings.Tls tls() {
		Path pem = Path.of("/certs");
		return new MosquittoSettings.Tls(pem.resolve("ca.pem"), pem.resolve("server.pem"), pem.resolve("server.key"));
	}

	static MosquittoSettings settings(int port, int tlsPort, MosquittoSettings.Tls tls, boolean persistence,
			Integer autosaveInterval) {
		return new MosquittoSettings(port, tlsPort, null, Map.of(), null, tls, false, false, null, null, null,
				persistence, autosaveInterval, null, List.of(), false);
	}

}
