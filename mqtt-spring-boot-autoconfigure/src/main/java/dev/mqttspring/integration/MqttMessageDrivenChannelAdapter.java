package dev.mqttspring.integration;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

import dev.mqttspring.annotation.MqttListenerAnnotationBeanPostProcessor;
import dev.mqttspring.config.AbstractMqttListenerEndpoint;
import dev.mqttspring.config.MqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttHeaderMapper;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MessagingMqttMessageListenerAdapter;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttListenerContainer;
import dev.mqttspring.listener.MqttMessageListener;

/**
 * Inbound channel adapter that is a listener on the starter's managed connection: it
 * registers a {@link MqttListenerContainer} with the {@link MqttListenerEndpointRegistry}
 * (so the listener shows in health, metrics, tracing and the {@code mqtt} endpoint like an
 * {@code @MqttSubscribe} method) and sends each received message to the output channel,
 * with the {@code MqttHeaders}. Modelled on Spring Integration Kafka's
 * {@code KafkaMessageDrivenChannelAdapter}, built on the library's own container.
 * <p>
 * A QoS 1/2 message is acknowledged to the broker as the {@link #setAckMode ack mode}
 * says: with {@link MqttAckMode#PROCESSED} after {@code send} returned (with a
 * {@code DirectChannel} that is after the flow processed it), with
 * {@link MqttAckMode#RECEIVED} once queued for the flow; by default as for
 * {@code @MqttSubscribe} ({@code mqtt.listener.ack-mode}). An exception of the flow goes
 * to the error channel when one is set (the message is then processed once the error
 * flow returned); otherwise to the container's error handling (retry, error handler,
 * dead-letter topic), as for {@code @MqttSubscribe}.
 * <p>
 * Without an explicit registry and container factory, the beans
 * {@value MqttListenerEndpointRegistry#BEAN_NAME} and {@code mqttListenerContainerFactory}
 * of the auto-configuration are used.
 *
 * @author mqtt-spring-boot
 * @see MqttIntegration#inboundAdapter(String...)
 */
public class MqttMessageDrivenChannelAdapter extends MessageProducerSupport {

	private final List<String> topics;

	private @Nullable MqttListenerEndpointRegistry registry;

	private @Nullable MqttListenerContainerFactory containerFactory;

	private @Nullable String listenerId;

	private int qos = 1;

	private @Nullable MqttAckMode ackMode;

	private @Nullable String group;

	private @Nullable Class<?> payloadType;

	private @Nullable MqttListenerContainer container;

	/**
	 * Create an adapter on the auto-configured registry and container factory.
	 * @param topics the topic filters ({@code {name}} levels bind topic variables)
	 */
	public MqttMessageDrivenChannelAdapter(String... topics) {
		Assert.notEmpty(topics, "'topics' must not be empty; name at least one topic filter such as 'sensors/+/temperature'");
		this.topics = List.of(topics);
		setPhase(DefaultMqttListenerContainer.DEFAULT_PHASE);
	}

	/**
	 * Create an adapter on the given registry and container factory (for example the
	 * factory of a named connection).
	 * @param registry the registry that owns the container
	 * @param containerFactory the factory that creates it
	 * @param topics the topic filters
	 */
	public MqttMessageDrivenChannelAdapter(MqttListenerEndpointRegistry registry,
			MqttListenerContainerFactory containerFactory, String... topics) {
		this(topics);
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(containerFactory, "'containerFactory' must not be null");
		this.registry = registry;
		this.containerFactory = containerFactory;
	}

	/**
	 * Set the listener id under which the container is registered; defaults to the
	 * component (bean) name.
	 * @param listenerId the id
	 */
	public void setListenerId(String listenerId) {
		Assert.hasText(listenerId, "'listenerId' must not be empty");
		this.listenerId = listenerId;
	}

	/**
	 * Set the QoS to subscribe with (default 1).
	 * @param qos 0, 1 or 2
	 */
	public void setQos(int qos) {
		this.qos = qos;
	}

	/**
	 * Set when QoS 1/2 messages are acknowledged to the broker.
	 * @param ackMode the mode, or {@code null} for the container factory's default
	 */
	public void setAckMode(@Nullable MqttAckMode ackMode) {
		this.ackMode = ackMode;
	}

	/**
	 * Set the shared subscription group: the filters are subscribed as
	 * {@code $share/<group>/<filter>}.
	 * @param group the group, or {@code null}
	 */
	public void setGroup(@Nullable String group) {
		this.group = group;
	}

	/**
	 * Set the payload type: the payload bytes are converted by the starter's message
	 * converter (JSON, String, ...); by default the payload is the {@code byte[]}.
	 * @param payloadType the type
	 */
	public void setPayloadType(Class<?> payloadType) {
		Assert.notNull(payloadType, "'payloadType' must not be null");
		this.payloadType = payloadType;
	}

	/**
	 * Return the container, once the adapter is initialized.
	 * @return the container or {@code null}
	 */
	public @Nullable MqttListenerContainer getListenerContainer() {
		return this.container;
	}

	@Override
	public String getComponentType() {
		return "mqtt:message-driven-channel-adapter";
	}

	@Override
	protected void onInit() {
		super.onInit();
		String id = (this.listenerId != null) ? this.listenerId : getComponentName();
		Assert.state(StringUtils.hasText(id), "The MQTT inbound channel adapter for " + this.topics
				+ " has no listener id; set one, e.g. MqttIntegration.inboundAdapter(...).listenerId(\"readings\")");
		MqttListenerEndpointRegistry registry = this.registry;
		MqttListenerContainerFactory factory = this.containerFactory;
		if (registry == null || factory == null) {
			BeanFactory beanFactory = getBeanFactory();
			Assert.state(beanFactory != null, "No BeanFactory; pass the MqttListenerEndpointRegistry and the "
					+ "MqttListenerContainerFactory to the constructor");
			if (registry == null) {
				registry = beanFactory.getBean(MqttListenerEndpointRegistry.BEAN_NAME, MqttListenerEndpointRegistry.class);
			}
			if (factory == null) {
				factory = beanFactory.getBean(MqttListenerAnnotationBeanPostProcessor.DEFAULT_CONTAINER_FACTORY_BEAN_NAME,
						MqttListenerContainerFactory.class);
			}
			this.registry = registry;
			this.containerFactory = factory;
		}
		AdapterEndpoint endpoint = new AdapterEndpoint();
		endpoint.setId(id);
		endpoint.setTopics(this.topics);
		endpoint.setQos(this.qos);
		endpoint.setGroup(this.group);
		endpoint.setAckMode(this.ackMode);
		// the adapter's lifecycle starts and stops the container
		endpoint.setAutoStartup(false);
		endpoint.validate();
		this.container = registry.registerListenerContainer(endpoint, factory);
	}

	@Override
	protected void doStart() {
		MqttListenerContainer container = this.container;
		if (container != null) {
			container.start();
		}
	}

	@Override
	protected void doStop() {
		MqttListenerContainer container = this.container;
		if (container != null) {
			container.stop();
		}
	}

	@Override
	public void destroy() {
		super.destroy();
		MqttListenerContainer container = this.container;
		MqttListenerEndpointRegistry registry = this.registry;
		if (container != null && registry != null) {
			registry.unregisterListenerContainer(container.getListenerId());
		}
	}

	private void process(MqttInboundMessage inbound, String id, Map<String, String> variables,
			MessageConverter messageConverter) {
		Message<byte[]> raw = MqttHeaderMapper.DEFAULT.toMessage(inbound, id, variables.isEmpty() ? Map.of()
				: Map.of(MessagingMqttMessageListenerAdapter.TOPIC_VARIABLES_HEADER, variables));
		Message<?> message;
		try {
			message = convert(raw, messageConverter);
		}
		catch (RuntimeException ex) {
			if (sendErrorMessageIfNecessary(raw, ex)) {
				return;
			}
			throw ex;
		}
		sendMessage(message);
	}

	private Message<?> convert(Message<byte[]> raw, MessageConverter messageConverter) {
		Class<?> type = this.payloadType;
		if (type == null || type == byte[].class) {
			return raw;
		}
		Object payload = messageConverter.fromMessage(raw, type);
		if (payload == null) {
			throw new MessageConversionException(raw, "Cannot convert the payload of the message on '"
					+ raw.getHeaders().get(dev.mqttspring.support.MqttHeaders.RECEIVED_TOPIC) + "' to "
					+ type.getName() + "; the configured message converters support none of its content type ("
					+ raw.getHeaders().get(org.springframework.messaging.MessageHeaders.CONTENT_TYPE)
					+ "); register a converter or receive byte[]");
		}
		return MessageBuilder.withPayload(payload).copyHeaders(raw.getHeaders()).build();
	}

	/**
	 * The endpoint of the adapter's container.
	 */
	private final class AdapterEndpoint extends AbstractMqttListenerEndpoint {

		@Override
		public String getDescription() {
			return "MQTT inbound channel adapter '" + getId() + "'";
		}

		@Override
		public MqttMessageListener createMessageListener(MqttConnection connection, MessageConverter messageConverter) {
			String id = getId();
			return (message) -> process(message, id, topicVariables(message.getTopic()), messageConverter);
		}

	}

}
