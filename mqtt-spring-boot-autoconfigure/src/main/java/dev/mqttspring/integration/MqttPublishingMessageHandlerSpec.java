package dev.mqttspring.integration;

import java.time.Duration;
import java.util.function.Function;

import org.springframework.expression.common.LiteralExpression;
import org.springframework.integration.dsl.MessageHandlerSpec;
import org.springframework.integration.expression.FunctionExpression;
import org.springframework.integration.expression.ValueExpression;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * Java DSL spec for a {@link MqttPublishingMessageHandler}.
 *
 * @author mqtt-spring-boot
 * @see MqttIntegration#outboundHandler()
 */
public class MqttPublishingMessageHandlerSpec
		extends MessageHandlerSpec<MqttPublishingMessageHandlerSpec, MqttPublishingMessageHandler> {

	MqttPublishingMessageHandlerSpec(MqttPublishingMessageHandler handler) {
		this.target = handler;
	}

	/**
	 * Publish to a fixed topic.
	 * @param topic the topic
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec topic(String topic) {
		this.target.setTopicExpression(new LiteralExpression(topic));
		return this;
	}

	/**
	 * Publish to the topic a SpEL expression evaluates to against the message.
	 * @param topicExpression the expression, e.g. {@code "'alerts/' + headers.sensor"}
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec topicExpression(String topicExpression) {
		this.target.setTopicExpression(PARSER.parseExpression(topicExpression));
		return this;
	}

	/**
	 * Publish to the topic a function returns for the message.
	 * @param topicFunction the function
	 * @param <P> the payload type
	 * @return the spec
	 */
	public <P> MqttPublishingMessageHandlerSpec topicFunction(Function<Message<P>, String> topicFunction) {
		this.target.setTopicExpression(new FunctionExpression<>(topicFunction));
		return this;
	}

	/**
	 * Publish with a fixed QoS.
	 * @param qos 0, 1 or 2
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec qos(int qos) {
		this.target.setQosExpression(new ValueExpression<>(qos));
		return this;
	}

	/**
	 * Publish with the QoS a SpEL expression evaluates to.
	 * @param qosExpression the expression
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec qosExpression(String qosExpression) {
		this.target.setQosExpression(PARSER.parseExpression(qosExpression));
		return this;
	}

	/**
	 * Publish with a fixed retain flag.
	 * @param retain whether the broker retains the messages
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec retain(boolean retain) {
		this.target.setRetainExpression(new ValueExpression<>(retain));
		return this;
	}

	/**
	 * Publish with the retain flag a SpEL expression evaluates to.
	 * @param retainExpression the expression
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec retainExpression(String retainExpression) {
		this.target.setRetainExpression(PARSER.parseExpression(retainExpression));
		return this;
	}

	/**
	 * Wait for the broker's acknowledgement and throw on failure.
	 * @param sync whether to wait
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sync(boolean sync) {
		this.target.setSync(sync);
		return this;
	}

	/**
	 * Set how long a sync publish waits.
	 * @param sendTimeout the timeout
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sendTimeout(Duration sendTimeout) {
		this.target.setSendTimeout(sendTimeout);
		return this;
	}

	/**
	 * Set the channel that gets each acknowledged message.
	 * @param channel the channel
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sendSuccessChannel(MessageChannel channel) {
		this.target.setSendSuccessChannel(channel);
		return this;
	}

	/**
	 * Set the name of the channel that gets each acknowledged message.
	 * @param channelName the channel name
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sendSuccessChannel(String channelName) {
		this.target.setSendSuccessChannelName(channelName);
		return this;
	}

	/**
	 * Set the channel that gets an error message for each failed publish.
	 * @param channel the channel
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sendFailureChannel(MessageChannel channel) {
		this.target.setSendFailureChannel(channel);
		return this;
	}

	/**
	 * Set the name of the channel that gets an error message for each failed publish.
	 * @param channelName the channel name
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec sendFailureChannel(String channelName) {
		this.target.setSendFailureChannelName(channelName);
		return this;
	}

	/**
	 * Set the channel that gets each publish's future.
	 * @param channel the channel
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec futuresChannel(MessageChannel channel) {
		this.target.setFuturesChannel(channel);
		return this;
	}

	/**
	 * Set the name of the channel that gets each publish's future.
	 * @param channelName the channel name
	 * @return the spec
	 */
	public MqttPublishingMessageHandlerSpec futuresChannel(String channelName) {
		this.target.setFuturesChannelName(channelName);
		return this;
	}

}
