package dev.mqttspring.client.internal;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link CallbackThread}.
 */
class CallbackThreadTests {

	@Test
	void threadIsACallbackThreadWhileItRunsOneEvenWhenNested() {
		List<Boolean> seen = new ArrayList<>();
		seen.add(CallbackThread.isCurrent());
		CallbackThread.run(() -> {
			seen.add(CallbackThread.isCurrent());
			CallbackThread.run(() -> seen.add(CallbackThread.isCurrent()));
			seen.add(CallbackThread.isCurrent());
		});
		seen.add(CallbackThread.isCurrent());
		assertThat(seen).containsExactly(false, true, true, true, false);
	}

	@Test
	void markIsRemovedWhenTheCallbackThrows() {
		assertThatIllegalStateException().isThrownBy(() -> CallbackThread.run(() -> {
			throw new IllegalStateException("boom");
		}));
		assertThat(CallbackThread.isCurrent()).isFalse();
	}

}
