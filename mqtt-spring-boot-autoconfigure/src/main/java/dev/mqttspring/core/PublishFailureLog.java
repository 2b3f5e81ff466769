package dev.mqttspring.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs failed publishes of a template as warnings at most every 10 seconds, with the
 * number of failures in between (each of those at debug level), so that an outage does
 * not flood the log.
 */
final class PublishFailureLog {

	static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final Log logger;

	private final AtomicLong suppressed = new AtomicLong();

	private volatile long lastWarning;

	private volatile boolean warned;

	PublishFailureLog() {
		this(LogFactory.getLog(MqttTemplate.class));
	}

	PublishFailureLog(Log logger) {
		this.logger = logger;
	}

	void failed(String topic, Throwable failure) {
		failed(topic, failure, System.nanoTime());
	}

	/**
	 * @param now the time of the failure as a {@link System#nanoTime()} value
	 */
	void failed(String topic, Throwable failure, long now) {
		if (!this.warned || now - this.lastWarning >= WARN_INTERVAL_NANOS) {
			this.warned = true;
			this.lastWarning = now;
			long suppressed = this.suppressed.getAndSet(0);
			this.logger.warn("MQTT publish failed: " + failure.getMessage()
					+ ((suppressed > 0) ? " (and " + suppressed + " more publish failures since the last report)" : ""));
		}
		else {
			this.suppressed.incrementAndGet();
			if (this.logger.isDebugEnabled()) {
				this.logger.debug("Publishing to '" + topic + "' failed: " + failure.getMessage());
			}
		}
	}

}
