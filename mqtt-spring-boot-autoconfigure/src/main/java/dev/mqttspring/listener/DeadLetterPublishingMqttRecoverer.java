package dev.mqttspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.Assert;

import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.support.MqttHeaders;

/**
 * A {@link MqttMessageRecoverer} that republishes a failed message to a dead-letter topic
 * through {@link MqttOperations} (so the template's validation, metrics and tracing
 * apply), with the message's MQTT 5 properties and user properties that name the original
 * topic, the listener and the root cause, as Spring Kafka's
 * {@code DeadLetterPublishingRecoverer} does.
 *
 * @author mqtt-spring-boot
 */
public class DeadLetterPublishingMqttRecoverer implements MqttMessageRecoverer {

	/**
	 * User property of a dead-lettered message: the topic the message was received on.
	 */
	public static final String DLT_ORIGINAL_TOPIC = "dlt-original-topic";

	/**
	 * User property of a dead-lettered message: the id of the listener that failed.
	 */
	public static final String DLT_LISTENER_ID = "dlt-listener-id";

	/**
	 * User property of a dead-lettered message: the class name of the root cause.
	 */
	public static final String DLT_EXCEPTION_CLASS = "dlt-exception-class";

	/**
	 * User property of a dead-lettered message: the message of the root cause.
	 */
	public static final String DLT_EXCEPTION_MESSAGE = "dlt-exception-message";

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private static final int MAX_EXCEPTION_MESSAGE = 1000;

	private final MqttOperations operations;

	private final String topic;

	private Duration timeout = Duration.ofSeconds(30);

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	/**
	 * Create a recoverer.
	 * @param operations the operations (template) dead letters are published through
	 * @param topic the dead-letter topic
	 */
	public DeadLetterPublishingMqttRecoverer(MqttOperations operations, String topic) {
		Assert.notNull(operations, "'operations' must not be null");
		MqttTopics.validateTopicName(topic);
		this.operations = operations;
		this.topic = topic;
	}

	/**
	 * Set how long to wait for the broker to acknowledge a dead letter.
	 * @param timeout the timeout
	 */
	public void setTimeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		this.timeout = timeout;
	}

	/**
	 * Return the dead-letter topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return how many messages of a listener this recoverer republished.
	 * @param listenerId the listener id
	 * @return the count
	 */
	public long getDeadLetteredCount(String listenerId) {
		AtomicLong count = this.counts.get(listenerId);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void recover(MqttInboundMessage message, MqttListenerExecutionFailedException exception) throws Exception {
		try {
			this.operations.publish(deadLetter(message, exception)).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.error("Interrupted while republishing the failed message from '" + message.getTopic()
					+ "' to the dead-letter topic '" + this.topic + "'");
			throw ex;
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			logger.error("Could not republish the failed message from '" + message.getTopic() + "' to the dead-letter topic '"
					+ this.topic + "': " + cause);
			throw ex;
		}
		this.counts.computeIfAbsent(exception.getListenerId(), (id) -> new AtomicLong()).incrementAndGet();
		logger.warn(exception.getMessage() + "; republished to the dead-letter topic '" + this.topic + "'");
	}

	/**
	 * The dead letter: payload, QoS and MQTT 5 properties of the failed message (without
	 * subscription identifiers), not retained, with the user properties naming the failure.
	 */
	Message<byte[]> deadLetter(MqttInboundMessage message, MqttListenerExecutionFailedException exception) {
		Throwable root = exception;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		MqttMessageProperties properties = message.getProperties();
		List<MqttUserProperty> userProperties = new ArrayList<>(properties.getUserProperties());
		userProperties.add(new MqttUserProperty(DLT_ORIGINAL_TOPIC, message.getTopic()));
		userProperties.add(new MqttUserProperty(DLT_LISTENER_ID, exception.getListenerId()));
		userProperties.add(new MqttUserProperty(DLT_EXCEPTION_CLASS, root.getClass().getName()));
		userProperties.add(new MqttUserProperty(DLT_EXCEPTION_MESSAGE, printable(String.valueOf(root.getMessage()))));
		Map<String, Object> headers = new HashMap<>();
		headers.put(MqttHeaders.TOPIC, this.topic);
		headers.put(MqttHeaders.QOS, message.getQos());
		headers.put(MqttHeaders.RETAIN, false);
		putIfNotNull(headers, MqttHeaders.CONTENT_TYPE, properties.getContentType());
		putIfNotNull(headers, MqttHeaders.RESPONSE_TOPIC, properties.getResponseTopic());
		putIfNotNull(headers, MqttHeaders.CORRELATION_DATA, properties.getCorrelationData());
		putIfNotNull(headers, MqttHeaders.MESSAGE_EXPIRY_INTERVAL, properties.getMessageExpiryInterval());
		putIfNotNull(headers, MqttHeaders.PAYLOAD_FORMAT_INDICATOR, properties.getPayloadFormatUtf8());
		headers.put(MqttHeaders.USER_PROPERTIES, userProperties);
		return new GenericMessage<>(message.getPayload(), headers);
	}

	private static void putIfNotNull(Map<String, Object> headers, String name, @Nullable Object value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

	/**
	 * Shorten the text and replace control characters, which MQTT clients refuse in
	 * UTF-8 strings (Paho drops the connection).
	 */
	static String printable(String text) {
		String shortened = (text.length() > MAX_EXCEPTION_MESSAGE) ? text.substring(0, MAX_EXCEPTION_MESSAGE) + "..." : text;
		StringBuilder result = new StringBuilder(shortened.length());
		for (int i = 0; i < shortened.length(); i++) {
			char c = shortened.charAt(i);
			result.append((c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c) && !validSurrogate(shortened, i)) ? ' ' : c);
		}
		return result.toString();
	}

	private static boolean validSurrogate(String text, int i) {
		char c = text.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
	}

}
