package dev.mqttspring.annotation;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.messaging.handler.annotation.MessageMappingReflectiveProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers the runtime hints of beans with {@link MqttSubscribe @MqttSubscribe}
 * methods ahead of time: each listener method is invoked reflectively, and its payload
 * parameter ({@code @Payload}, or a parameter that is not a header, topic variable or
 * framework type) and its return value (a reply) are bound by the JSON converter. The
 * hints are those of spring-messaging's {@code @MessageMapping} methods
 * ({@link MessageMappingReflectiveProcessor}).
 *
 * @author mqtt-spring-boot
 */
class MqttListenerBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private final MessageMappingReflectiveProcessor processor = new MessageMappingReflectiveProcessor();

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		Set<Method> methods = listenerMethods(beanClass);
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, beanRegistrationCode) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			for (Method method : methods) {
				this.processor.registerReflectionHints(reflection, method);
			}
		};
	}

	static Set<Method> listenerMethods(Class<?> beanClass) {
		if (!AnnotationUtils.isCandidateClass(beanClass, List.of(MqttSubscribe.class, MqttSubscribes.class))) {
			return Set.of();
		}
		return MethodIntrospector.selectMethods(beanClass, (ReflectionUtils.MethodFilter) (method) -> !AnnotatedElementUtils
			.findMergedRepeatableAnnotations(method, MqttSubscribe.class, MqttSubscribes.class)
			.isEmpty());
	}

}
