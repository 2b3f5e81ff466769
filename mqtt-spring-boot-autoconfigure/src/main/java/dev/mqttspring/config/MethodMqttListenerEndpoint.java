package dev.mqttspring.config;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.MessagingMqttMessageListenerAdapter;
import dev.mqttspring.listener.MqttMessageListener;

/**
 * An endpoint whose messages are processed by a bean method, invoked through a
 * spring-messaging {@link MessageHandlerMethodFactory}.
 *
 * @author mqtt-spring-boot
 */
public class MethodMqttListenerEndpoint extends AbstractMqttListenerEndpoint {

	private @Nullable Object bean;

	private @Nullable Method method;

	private @Nullable MessageHandlerMethodFactory messageHandlerMethodFactory;

	private @Nullable String replyTopic;

	/**
	 * Set the bean to invoke the method on (possibly a proxy).
	 * @param bean the bean
	 */
	public void setBean(Object bean) {
		this.bean = bean;
	}

	/**
	 * Return the bean.
	 * @return the bean
	 */
	public @Nullable Object getBean() {
		return this.bean;
	}

	/**
	 * Set the method to invoke; it must be invocable on the bean.
	 * @param method the method
	 */
	public void setMethod(Method method) {
		this.method = method;
	}

	/**
	 * Return the method.
	 * @return the method
	 */
	public @Nullable Method getMethod() {
		return this.method;
	}

	/**
	 * Set the factory of the invocable handler method.
	 * @param messageHandlerMethodFactory the factory
	 */
	public void setMessageHandlerMethodFactory(MessageHandlerMethodFactory messageHandlerMethodFactory) {
		this.messageHandlerMethodFactory = messageHandlerMethodFactory;
	}

	/**
	 * Return the factory of the invocable handler method.
	 * @return the factory
	 */
	public @Nullable MessageHandlerMethodFactory getMessageHandlerMethodFactory() {
		return this.messageHandlerMethodFactory;
	}

	/**
	 * Set the topic that return values are published to when the request carries no MQTT 5
	 * response topic ({@code @SendTo}).
	 * @param replyTopic the topic or {@code null}
	 */
	public void setReplyTopic(@Nullable String replyTopic) {
		this.replyTopic = replyTopic;
	}

	/**
	 * Return the default reply topic.
	 * @return the topic or {@code null}
	 */
	public @Nullable String getReplyTopic() {
		return this.replyTopic;
	}

	@Override
	public String getDescription() {
		return (this.method != null) ? ClassUtils.getQualifiedMethodName(this.method, ClassUtils.getUserClass(this.method.getDeclaringClass()))
				: super.getDescription();
	}

	@Override
	public MqttMessageListener createMessageListener(MqttConnection connection, MessageConverter messageConverter) {
		return createMessageListener(connection, new MqttTemplate(connection, messageConverter), messageConverter);
	}

	@Override
	public MqttMessageListener createMessageListener(MqttConnection connection, MqttOperations operations,
			MessageConverter messageConverter) {
		Assert.state(this.bean != null && this.method != null, "'bean' and 'method' must be set");
		Assert.state(this.messageHandlerMethodFactory != null, "'messageHandlerMethodFactory' must be set");
		InvocableHandlerMethod handlerMethod = this.messageHandlerMethodFactory.createInvocableHandlerMethod(this.bean,
				this.method);
		MessagingMqttMessageListenerAdapter adapter = new MessagingMqttMessageListenerAdapter(handlerMethod, getId(),
				operations, messageConverter);
		adapter.setTopicVariables(this::topicVariables);
		adapter.setDefaultReplyTopic(this.replyTopic);
		adapter.setPayloadTypeName(payloadTypeName(this.method));
		return adapter;
	}

	/**
	 * Return whether a declared topic has the variable, for the argument resolver.
	 * @param name the variable name
	 * @return whether declared
	 */
	public boolean declaresTopicVariable(String name) {
		return hasTopicVariable(name);
	}

	private static String payloadTypeName(Method method) {
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			if (parameter.hasParameterAnnotation(Payload.class)) {
				return parameter.getGenericParameterType().getTypeName();
			}
		}
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (parameter.getParameterAnnotations().length == 0 && !Message.class.isAssignableFrom(type)
					&& !MessageHeaders.class.isAssignableFrom(type)) {
				return parameter.getGenericParameterType().getTypeName();
			}
		}
		return "the payload type";
	}

}
