package dev.mqttspring.annotation;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.util.StringUtils;

import dev.mqttspring.listener.MessagingMqttMessageListenerAdapter;
import dev.mqttspring.support.MqttHeaders;

/**
 * Resolves {@link TopicVariable @TopicVariable} parameters from the topic variables the
 * listener adapter extracted from the received topic.
 */
final class TopicVariableMethodArgumentResolver implements HandlerMethodArgumentResolver {

	private final ConversionService conversionService;

	TopicVariableMethodArgumentResolver(ConversionService conversionService) {
		this.conversionService = conversionService;
	}

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.hasParameterAnnotation(TopicVariable.class);
	}

	@Override
	public @Nullable Object resolveArgument(MethodParameter parameter, Message<?> message) {
		TopicVariable annotation = parameter.getParameterAnnotation(TopicVariable.class);
		String name = name(annotation, parameter);
		Object variables = message.getHeaders().get(MessagingMqttMessageListenerAdapter.TOPIC_VARIABLES_HEADER);
		Object value = (variables instanceof Map<?, ?> map) ? map.get(name) : null;
		if (value == null) {
			if (annotation != null && annotation.required() && !parameter.isOptional()) {
				throw new MethodArgumentResolutionException(message, parameter, "No topic variable '" + name
						+ "' in topic '" + message.getHeaders().get(MqttHeaders.RECEIVED_TOPIC) + "'");
			}
			return (parameter.getParameterType() == java.util.Optional.class) ? java.util.Optional.empty() : null;
		}
		MethodParameter target = parameter.nestedIfOptional();
		Object converted = this.conversionService.convert(value, TypeDescriptor.valueOf(String.class), new TypeDescriptor(target));
		return (parameter.getParameterType() == java.util.Optional.class) ? java.util.Optional.ofNullable(converted) : converted;
	}

	static String name(@Nullable TopicVariable annotation, MethodParameter parameter) {
		if (annotation != null && StringUtils.hasText(annotation.value())) {
			return annotation.value();
		}
		String name = parameter.getParameterName();
		if (name == null) {
			throw new IllegalStateException("Name for @TopicVariable parameter " + parameter.getParameterIndex() + " of "
					+ parameter.getMethod() + " is not known; write @TopicVariable(\"name\") or compile with -parameters");
		}
		return name;
	}

}
