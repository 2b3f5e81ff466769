package dev.mqttspring.embedded;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HiveMqJvmState}.
 */
class HiveMqJvmStateTests {

	@AfterEach
	void clear() {
		Thread.setDefaultUncaughtExceptionHandler(null);
		System.clearProperty("hivemq.log.folder");
		System.clearProperty("guice_include_stack_traces");
	}

	@Test
	void appliesTheInternalSettingsAndRestoresEverythingHiveMqChanges() {
		Thread.UncaughtExceptionHandler host = (thread, ex) -> {
		};
		Thread.setDefaultUncaughtExceptionHandler(host);
		System.setProperty("hivemq.log.folder", "/host/logs");
		boolean jmxReporter = InternalConfigurations.JMX_REPORTER_ENABLED.get();
		int gracePeriod = InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.get();

		HiveMqJvmState state = HiveMqJvmState.adjust();
		assertThat(InternalConfigurations.JMX_REPORTER_ENABLED.get()).isFalse();
		assertThat(InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.get())
			.isEqualTo(HiveMqJvmState.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MILLIS);
		// what HiveMQ does while it starts
		Thread.setDefaultUncaughtExceptionHandler((thread, ex) -> System.exit(1));
		System.setProperty("hivemq.log.folder", "/hivemq/log");
		System.setProperty("guice_include_stack_traces", "OFF");

		state.restore();
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(host);
		assertThat(System.getProperty("hivemq.log.folder")).isEqualTo("/host/logs");
		assertThat(System.getProperty("guice_include_stack_traces")).isNull();
		assertThat(InternalConfigurations.JMX_REPORTER_ENABLED.get()).isEqualTo(jmxReporter);
		assertThat(InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.get()).isEqualTo(gracePeriod);
	}

}
