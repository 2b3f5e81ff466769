package dev.mqttspring.metrics;

/**
 * Names of the MQTT meters and their tags.
 *
 * @author mqtt-spring-boot
 */
public final class MqttMetricsNames {

	/**
	 * Gauge: 1 while the client is connected, else 0.
	 */
	public static final String CLIENT_CONNECTED = "mqtt.client.connected";

	/**
	 * Counter: connections re-established after a loss.
	 */
	public static final String CLIENT_RECONNECTS = "mqtt.client.reconnects";

	/**
	 * Gauge: publishes waiting in the offline buffer.
	 */
	public static final String CLIENT_BUFFER_MESSAGES = "mqtt.client.buffer.messages";

	/**
	 * Gauge: bytes (payload and topic) of the publishes waiting in the offline buffer.
	 */
	public static final String CLIENT_BUFFER_BYTES = "mqtt.client.buffer.bytes";

	/**
	 * Timer: time publishers waited for room in the full offline buffer.
	 */
	public static final String PUBLISH_BLOCKED = "mqtt.publish.blocked";

	/**
	 * Publishes in the durable outbox whose future has not completed (gauge).
	 */
	public static final String OUTBOX_MESSAGES = "mqtt.outbox.messages";

	/**
	 * Bytes of the publishes in the durable outbox (gauge).
	 */
	public static final String OUTBOX_BYTES = "mqtt.outbox.bytes";

	/**
	 * Publishes an earlier run left in the outbox and sent again at start-up (counter).
	 */
	public static final String OUTBOX_REPLAYED = "mqtt.outbox.replayed";

	/**
	 * Timer: from publish to the broker's acknowledgement at the message's QoS.
	 */
	public static final String PUBLISH = "mqtt.publish";

	/**
	 * Counter: publishes refused because they exceed a broker or configured limit.
	 */
	public static final String PUBLISH_REFUSED = "mqtt.publish.refused";

	/**
	 * Timer: listener method invocations.
	 */
	public static final String LISTENER = "mqtt.listener";

	/**
	 * Counter: messages received by a listener.
	 */
	public static final String LISTENER_RECEIVED = "mqtt.listener.received";

	/**
	 * Counter: messages a listener processed successfully.
	 */
	public static final String LISTENER_PROCESSED = "mqtt.listener.processed";

	/**
	 * Gauge: received messages waiting to be processed by a listener.
	 */
	public static final String LISTENER_QUEUED = "mqtt.listener.queued";

	/**
	 * Gauge: messages a listener is processing now (its active workers, at most its
	 * concurrency).
	 */
	public static final String LISTENER_ACTIVE = "mqtt.listener.active";

	/**
	 * Counter: messages whose handling failed for good (after retries).
	 */
	public static final String LISTENER_FAILED = "mqtt.listener.failed";

	/**
	 * Counter: failed messages published to a dead-letter topic.
	 */
	public static final String LISTENER_DEAD_LETTERED = "mqtt.listener.dead.lettered";

	/**
	 * Counter: messages for a listener dropped, by reason ({@code too-large}: larger than
	 * mqtt.max-inbound-packet-size; {@code queue-full}: QoS 0 while the listener's queue was
	 * at mqtt.listener.queue-capacity or mqtt.listener.queue-memory).
	 */
	public static final String LISTENER_DROPPED = "mqtt.listener.dropped";

	/**
	 * Reason of a message dropped because it was larger than mqtt.max-inbound-packet-size.
	 */
	public static final String REASON_TOO_LARGE = "too-large";

	/**
	 * Reason of a QoS 0 message dropped because the listener's queue was full.
	 */
	public static final String REASON_QUEUE_FULL = "queue-full";

	/**
	 * Tag: the MQTT client id.
	 */
	public static final String TAG_CLIENT_ID = "client.id";

	/**
	 * Tag: the name of the connection, {@code default} for the one of {@code mqtt.*}.
	 */
	public static final String TAG_CONNECTION = "connection";

	/**
	 * Tag: the QoS of a publish.
	 */
	public static final String TAG_QOS = "qos";

	/**
	 * Tag: the outcome ({@code success}, {@code failure}, {@code refused}, {@code timeout}).
	 */
	public static final String TAG_OUTCOME = "outcome";

	/**
	 * Outcome of an acknowledged publish or a listener invocation that returned normally.
	 */
	public static final String OUTCOME_SUCCESS = "success";

	/**
	 * Outcome of a publish the broker refused with a reason code of 0x80 or above.
	 */
	public static final String OUTCOME_REFUSED = "refused";

	/**
	 * Outcome of a publish that was not acknowledged in time.
	 */
	public static final String OUTCOME_TIMEOUT = "timeout";

	/**
	 * Outcome of any other failure.
	 */
	public static final String OUTCOME_FAILURE = "failure";

	/**
	 * Tag: the listener id.
	 */
	public static final String TAG_LISTENER_ID = "listener.id";

	/**
	 * Tag: why a publish was refused ({@code maximum-qos}, {@code maximum-packet-size},
	 * {@code retain-available}, or {@code broker-0x..} with the broker's reason code), or
	 * why a listener's message was dropped ({@code too-large}, {@code queue-full}).
	 */
	public static final String TAG_REASON = "reason";

	/**
	 * Tag: the simple class name of the exception, or {@code none}.
	 */
	public static final String TAG_EXCEPTION = "exception";

	private MqttMetricsNames() {
	}

}
