package dev.mqttspring.client.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;

import dev.mqttspring.core.MqttVersion;

/**
 * The inbound size limit of a connection ({@code mqtt.max-inbound-packet-size}): whether
 * an incoming message fits, and the counts and the rate-limited log of those that do not.
 * Never logs a payload.
 */
final class InboundLimit {

	private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final long maximum;

	private final Log logger;

	private final String clientId;

	private final MqttVersion version;

	private final Map<String, LongAdder> byOwner = new ConcurrentHashMap<>();

	private final AtomicLong total = new AtomicLong();

	private long sinceLog;

	private long loggedAt;

	public InboundLimit(long maximum, Log logger, String clientId, MqttVersion version) {
		this.maximum = maximum;
		this.logger = logger;
		this.clientId = clientId;
		this.version = version;
	}

	/**
	 * Return the size of the PUBLISH packet that carried a message: fixed header, topic,
	 * packet identifier and payload (MQTT 5 properties are not counted).
	 */
	public static long packetSize(String topic, long payloadSize, int qos) {
		long remaining = 2L + topic.length() + ((qos > 0) ? 2 : 0) + payloadSize;
		int lengthBytes = (remaining < 128) ? 1 : (remaining < 16_384) ? 2 : (remaining < 2_097_152) ? 3 : 4;
		return 1 + lengthBytes + remaining;
	}

	public boolean fits(long packetSize) {
		return packetSize <= this.maximum;
	}

	/**
	 * Count a dropped message for each owner of a matching subscription and log it, at most
	 * once per ten seconds with the number dropped in between.
	 */
	public void dropped(String topic, long packetSize, int qos, Collection<String> owners) {
		long all = this.total.incrementAndGet();
		for (String owner : owners) {
			this.byOwner.computeIfAbsent(owner, (key) -> new LongAdder()).increment();
		}
		long drops;
		synchronized (this) {
			this.sinceLog++;
			long now = System.nanoTime();
			if (all > 1 && now - this.loggedAt < LOG_INTERVAL_NANOS) {
				return;
			}
			drops = this.sinceLog;
			this.sinceLog = 0;
			this.loggedAt = now;
		}
		this.logger.warn("MQTT client '" + this.clientId + "' dropped " + ((drops > 1) ? drops
				+ " incoming messages in the last " + TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS) + " s, the last" : "an incoming message")
				+ " on '" + topic + "' (QoS " + qos + ", " + packetSize + " bytes): larger than mqtt.max-inbound-packet-size ("
				+ this.maximum + " bytes); " + all + " dropped in total (meter mqtt.listener.dropped, reason too-large)"
				+ (owners.isEmpty() ? "" : " for " + owners) + ". The connection stays up"
				+ ((this.version == MqttVersion.V5) ? "; the broker ignored the Maximum Packet Size announced in CONNECT"
						: "; MQTT 3.1.1 cannot tell the broker the limit, so the client library read the whole message"));
	}

	public long count(String owner) {
		LongAdder count = this.byOwner.get(owner);
		return (count != null) ? count.sum() : 0;
	}

	public long total() {
		return this.total.get();
	}

}
