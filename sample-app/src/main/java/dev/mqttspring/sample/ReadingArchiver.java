package dev.mqttspring.sample;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.mqttspring.annotation.MqttSubscribe;

/**
 * Archives readings through a shared subscription: with several instances of the sample
 * running, the broker hands each reading to only one member of the {@code archivers}
 * group. The archive is an in-memory window of the latest readings.
 *
 * @author mqtt-spring-boot
 */
@Component
class ReadingArchiver {

	private static final Log logger = LogFactory.getLog(ReadingArchiver.class);

	private static final int CAPACITY = 1000;

	private final Deque<Reading> archive = new ArrayDeque<>(CAPACITY);

	private final AtomicLong archived = new AtomicLong();

	private long lastReported;

	@MqttSubscribe(id = "archiver", topics = "sensors/+/temperature", group = "archivers")
	void archive(Reading reading) {
		synchronized (this.archive) {
			if (this.archive.size() == CAPACITY) {
				this.archive.removeFirst();
			}
			this.archive.addLast(reading);
		}
		this.archived.incrementAndGet();
	}

	@Scheduled(fixedRate = 30_000, initialDelay = 30_000)
	void report() {
		long total = this.archived.get();
		if (total > this.lastReported) {
			logger.info("Archived " + (total - this.lastReported) + " readings in the last 30s (" + total + " in total)");
			this.lastReported = total;
		}
	}

	long archivedCount() {
		return this.archived.get();
	}

	List<Reading> latest() {
		synchronized (this.archive) {
			return List.copyOf(this.archive);
		}
	}

}
