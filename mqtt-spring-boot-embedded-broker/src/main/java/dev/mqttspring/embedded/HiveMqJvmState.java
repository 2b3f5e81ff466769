package dev.mqttspring.embedded;

import com.hivemq.configuration.service.InternalConfigurations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide state a HiveMQ start changes or reads: the default uncaught exception
 * handler, two system properties and two internal HiveMQ settings (JMX reporter off,
 * short persistence shutdown grace period while starting). {@link #adjust()} saves it and
 * applies the broker's settings; {@link #restore()} puts everything back.
 */
final class HiveMqJvmState {

	private static final Log logger = LogFactory.getLog(HiveMqJvmState.class);

	/**
	 * HiveMQ's default (2 s) adds 2 s to every stop; the persistence is in memory and
	 * thrown away on stop anyway.
	 */
	static final int PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MILLIS = 100;

	static final String[] SYSTEM_PROPERTIES = { "hivemq.log.folder", "guice_include_stack_traces" };

	private final Thread.@Nullable UncaughtExceptionHandler uncaughtExceptionHandler;

	private final @Nullable String[] systemProperties;

	private final Runnable restoreInternalSettings;

	private HiveMqJvmState() {
		this.uncaughtExceptionHandler = Thread.getDefaultUncaughtExceptionHandler();
		this.systemProperties = new String[SYSTEM_PROPERTIES.length];
		for (int i = 0; i < SYSTEM_PROPERTIES.length; i++) {
			this.systemProperties[i] = System.getProperty(SYSTEM_PROPERTIES[i]);
		}
		this.restoreInternalSettings = applyInternalSettings();
	}

	/**
	 * Save the current state and apply the internal settings for the broker about to start.
	 * @return the saved state
	 */
	static HiveMqJvmState adjust() {
		return new HiveMqJvmState();
	}

	/**
	 * Restore the state saved by {@link #adjust()}.
	 */
	void restore() {
		this.restoreInternalSettings.run();
		Thread.setDefaultUncaughtExceptionHandler(this.uncaughtExceptionHandler);
		for (int i = 0; i < SYSTEM_PROPERTIES.length; i++) {
			if (this.systemProperties[i] != null) {
				System.setProperty(SYSTEM_PROPERTIES[i], this.systemProperties[i]);
			}
			else {
				System.clearProperty(SYSTEM_PROPERTIES[i]);
			}
		}
	}

	private static Runnable applyInternalSettings() {
		try {
			boolean jmxReporterEnabled = InternalConfigurations.JMX_REPORTER_ENABLED.getAndSet(false);
			int shutdownGracePeriod = InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC
				.getAndSet(PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MILLIS);
			return () -> {
				InternalConfigurations.JMX_REPORTER_ENABLED.set(jmxReporterEnabled);
				InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(shutdownGracePeriod);
			};
		}
		catch (LinkageError ex) {
			// internal HiveMQ API, may change in another version: keep HiveMQ's defaults
			logger.debug("Could not adjust HiveMQ internal configuration", ex);
			return () -> {
			};
		}
	}

}
