package dev.mqttspring.integration;

import dev.mqttspring.config.MqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttOperations;

/**
 * Java DSL entry points for the MQTT channel adapters on the starter's managed
 * connection, for example:
 * <pre class="code">
 * &#64;Bean
 * IntegrationFlow readings() {
 *     return IntegrationFlow.from(MqttIntegration.inboundAdapter("sensors/+/temperature").listenerId("readings").qos(1))
 *         .transform(...)
 *         .handle(MqttIntegration.outboundHandler().topicExpression("'alerts/' + headers.sensor"))
 *         .get();
 * }
 * </pre>
 *
 * @author mqtt-spring-boot
 */
public final class MqttIntegration {

	private MqttIntegration() {
	}

	/**
	 * Create an inbound channel adapter spec on the auto-configured listener registry and
	 * container factory (the default connection).
	 * @param topics the topic filters
	 * @return the spec
	 */
	public static MqttMessageDrivenChannelAdapterSpec inboundAdapter(String... topics) {
		return new MqttMessageDrivenChannelAdapterSpec(new MqttMessageDrivenChannelAdapter(topics));
	}

	/**
	 * Create an inbound channel adapter spec on the given registry and container factory.
	 * @param registry the listener registry
	 * @param containerFactory the container factory (its connection is used)
	 * @param topics the topic filters
	 * @return the spec
	 */
	public static MqttMessageDrivenChannelAdapterSpec inboundAdapter(MqttListenerEndpointRegistry registry,
			MqttListenerContainerFactory containerFactory, String... topics) {
		return new MqttMessageDrivenChannelAdapterSpec(
				new MqttMessageDrivenChannelAdapter(registry, containerFactory, topics));
	}

	/**
	 * Create an outbound handler spec on the application's (primary)
	 * {@link MqttOperations}.
	 * @return the spec
	 */
	public static MqttPublishingMessageHandlerSpec outboundHandler() {
		return new MqttPublishingMessageHandlerSpec(new MqttPublishingMessageHandler());
	}

	/**
	 * Create an outbound handler spec on the given operations.
	 * @param mqttOperations the operations to publish through
	 * @return the spec
	 */
	public static MqttPublishingMessageHandlerSpec outboundHandler(MqttOperations mqttOperations) {
		return new MqttPublishingMessageHandlerSpec(new MqttPublishingMessageHandler(mqttOperations));
	}

}
