package dev.mqttspring.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.MethodArgumentNotValidException;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.util.Assert;
import org.springframework.util.MimeType;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttHeaderMapper;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttQos;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttUserProperty;
import dev.mqttspring.support.MqttHeaders;

/**
 * A {@link MqttMessageListener} that invokes a listener method through a spring-messaging
 * {@link InvocableHandlerMethod}, so that arguments are resolved and converted by the
 * {@code MessageHandlerMethodFactory}, and publishes a non-null return value as the
 * reply: to the MQTT 5 response topic of the request (with its correlation data), else to
 * the default reply topic ({@code @SendTo}), through {@link MqttOperations} (the template
 * of the listener's connection, so its validation, metrics and tracing apply).
 *
 * @author mqtt-spring-boot
 */
public class MessagingMqttMessageListenerAdapter implements MqttMessageListener {

	/**
	 * Header with the {@code Map<String, String>} of topic variables of a received message.
	 */
	public static final String TOPIC_VARIABLES_HEADER = MqttHeaders.PREFIX + "topicVariables";

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private final InvocableHandlerMethod handlerMethod;

	private final String listenerId;

	private final MqttOperations operations;

	private final MessageConverter messageConverter;

	private Function<String, Map<String, String>> topicVariables = (topic) -> Map.of();

	private @Nullable String defaultReplyTopic;

	private String payloadTypeName = "the payload type";

	private Duration replyTimeout = Duration.ofSeconds(30);

	private volatile boolean warnedNoReplyTopic;

	/**
	 * Create a new adapter.
	 * @param handlerMethod the method to invoke
	 * @param listenerId the listener id
	 * @param operations the operations (template) replies are published through
	 * @param messageConverter the converter for reply payloads
	 */
	public MessagingMqttMessageListenerAdapter(InvocableHandlerMethod handlerMethod, String listenerId,
			MqttOperations operations, MessageConverter messageConverter) {
		Assert.notNull(handlerMethod, "'handlerMethod' must not be null");
		Assert.notNull(operations, "'operations' must not be null");
		Assert.notNull(messageConverter, "'messageConverter' must not be null");
		this.handlerMethod = handlerMethod;
		this.listenerId = listenerId;
		this.operations = operations;
		this.messageConverter = messageConverter;
	}

	/**
	 * Create a new adapter that publishes replies through a plain {@link MqttTemplate} on
	 * the connection.
	 * @param handlerMethod the method to invoke
	 * @param listenerId the listener id
	 * @param connection the connection replies are published through
	 * @param messageConverter the converter for reply payloads
	 * @deprecated in favor of
	 * {@link #MessagingMqttMessageListenerAdapter(InvocableHandlerMethod, String, MqttOperations, MessageConverter)}
	 * with the connection's template
	 */
	@Deprecated(since = "0.1.0")
	public MessagingMqttMessageListenerAdapter(InvocableHandlerMethod handlerMethod, String listenerId,
			MqttConnection connection, MessageConverter messageConverter) {
		this(handlerMethod, listenerId, new MqttTemplate(connection, messageConverter), messageConverter);
	}

	/**
	 * Set the function that extracts the topic variables from a received topic.
	 * @param topicVariables the function
	 */
	public void setTopicVariables(Function<String, Map<String, String>> topicVariables) {
		this.topicVariables = topicVariables;
	}

	/**
	 * Set the topic replies go to when the request has no response topic.
	 * @param defaultReplyTopic the topic, or {@code null}
	 */
	public void setDefaultReplyTopic(@Nullable String defaultReplyTopic) {
		if (defaultReplyTopic != null) {
			MqttTopics.validateTopicName(defaultReplyTopic);
		}
		this.defaultReplyTopic = defaultReplyTopic;
	}

	/**
	 * Set the name of the payload parameter type, for conversion error messages.
	 * @param payloadTypeName the type name
	 */
	public void setPayloadTypeName(String payloadTypeName) {
		this.payloadTypeName = payloadTypeName;
	}

	/**
	 * Set how long to wait for the broker to acknowledge a reply.
	 * @param replyTimeout the timeout
	 */
	public void setReplyTimeout(Duration replyTimeout) {
		this.replyTimeout = replyTimeout;
	}

	@Override
	public void onMessage(MqttInboundMessage message) throws Exception {
		Map<String, String> variables = this.topicVariables.apply(message.getTopic());
		Message<byte[]> springMessage = MqttHeaderMapper.DEFAULT.toMessage(message, this.listenerId,
				variables.isEmpty() ? Map.of() : Map.of(TOPIC_VARIABLES_HEADER, variables));
		Object result;
		try {
			result = this.handlerMethod.invoke(springMessage);
		}
		catch (MessageConversionException ex) {
			throw new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(), "Listener '" + this.listenerId
					+ "' could not convert the payload from '" + message.getTopic() + "' to " + this.payloadTypeName + ": "
					+ ex.getMessage(), ex);
		}
		catch (MethodArgumentNotValidException ex) {
			throw new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(), "Listener '" + this.listenerId
					+ "' received an invalid payload from '" + message.getTopic() + "': " + ex.getMessage(), ex);
		}
		catch (MethodArgumentResolutionException ex) {
			throw new MqttListenerExecutionFailedException(this.listenerId, message.getTopic(), "Listener '" + this.listenerId
					+ "' could not resolve " + ex.getMethodParameter().getParameterType().getName()
					+ " argument for the message from '" + message.getTopic() + "': " + ex.getMessage(), ex);
		}
		if (result != null) {
			reply(message, result);
		}
	}

	private void reply(MqttInboundMessage request, Object result) throws Exception {
		MqttMessageProperties requestProperties = request.getProperties();
		String responseTopic = requestProperties.getResponseTopic();
		String topic = (responseTopic != null) ? responseTopic : this.defaultReplyTopic;
		Message<?> resultMessage = (result instanceof Message<?> message) ? message : null;
		if (resultMessage != null && resultMessage.getHeaders().get(MqttHeaders.TOPIC) instanceof String headerTopic) {
			topic = headerTopic;
		}
		if (topic == null) {
			if (!this.warnedNoReplyTopic) {
				this.warnedNoReplyTopic = true;
				logger.warn("Listener '" + this.listenerId + "' returned a value but neither the request from '"
						+ request.getTopic() + "' carries a response topic nor does the method have @SendTo; the value "
						+ "is ignored (further occurrences are not logged)");
			}
			return;
		}
		Object payload = (resultMessage != null) ? resultMessage.getPayload() : result;
		MessageHeaders headers = (resultMessage != null) ? resultMessage.getHeaders() : null;
		byte[] bytes;
		MimeType contentType = null;
		if (payload instanceof byte[] raw) {
			bytes = raw;
		}
		else {
			Message<?> converted = this.messageConverter.toMessage(payload, headers);
			if (converted == null || !(converted.getPayload() instanceof byte[] convertedBytes)) {
				throw new MqttListenerExecutionFailedException(this.listenerId, request.getTopic(), "Listener '"
						+ this.listenerId + "' returned a " + payload.getClass().getName()
						+ " that the mqttMessageConverter cannot convert to bytes for the reply to '" + topic + "'", null);
			}
			bytes = convertedBytes;
			Object type = converted.getHeaders().get(MessageHeaders.CONTENT_TYPE);
			contentType = (type instanceof MimeType mime) ? mime : (type instanceof String text) ? MimeType.valueOf(text) : null;
		}
		Map<String, Object> replyHeaders = new HashMap<>();
		replyHeaders.put(MqttHeaders.TOPIC, topic);
		replyHeaders.put(MqttHeaders.QOS, request.getQos());
		replyHeaders.put(MqttHeaders.RETAIN, false);
		if (contentType != null) {
			replyHeaders.put(MqttHeaders.CONTENT_TYPE, contentType.toString());
		}
		if (requestProperties.getCorrelationData() != null) {
			replyHeaders.put(MqttHeaders.CORRELATION_DATA, requestProperties.getCorrelationData());
		}
		List<MqttUserProperty> userProperties = new ArrayList<>();
		if (headers != null) {
			if (headers.get(MqttHeaders.QOS) instanceof Integer headerQos) {
				MqttQos.validate(headerQos, "Reply QoS of listener '" + this.listenerId + "'");
				replyHeaders.put(MqttHeaders.QOS, headerQos);
			}
			if (headers.get(MqttHeaders.RETAIN) instanceof Boolean headerRetain) {
				replyHeaders.put(MqttHeaders.RETAIN, headerRetain);
			}
			if (headers.get(MqttHeaders.CONTENT_TYPE) instanceof String headerContentType) {
				replyHeaders.put(MqttHeaders.CONTENT_TYPE, headerContentType);
			}
			Object userHeader = headers.get(MqttHeaders.USER_PROPERTIES);
			if (userHeader instanceof Map<?, ?> map) {
				map.forEach((name, value) -> userProperties.add(new MqttUserProperty(String.valueOf(name), String.valueOf(value))));
			}
			else if (userHeader instanceof List<?> list) {
				list.stream().filter(MqttUserProperty.class::isInstance).map(MqttUserProperty.class::cast)
					.forEach(userProperties::add);
			}
		}
		if (!userProperties.isEmpty()) {
			replyHeaders.put(MqttHeaders.USER_PROPERTIES, userProperties);
		}
		MqttTopics.validateTopicName(topic);
		try {
			this.operations.publish(new GenericMessage<>(bytes, replyHeaders))
				.get(this.replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			throw new MqttListenerExecutionFailedException(this.listenerId, request.getTopic(), "Listener '" + this.listenerId
					+ "' could not publish its reply to '" + topic + "': " + cause.getMessage(), cause);
		}
	}

}
