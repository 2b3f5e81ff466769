package dev.mqttspring.test.context;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * {@link ContextCustomizerFactory} that starts the broker of an {@link EmbeddedMqtt}
 * test class for its application context.
 *
 * @author mqtt-spring-boot
 */
class EmbeddedMqttContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		EmbeddedMqtt annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, EmbeddedMqtt.class);
		return (annotation != null) ? new EmbeddedMqttContextCustomizer(annotation.port(), annotation.webSocketPort(),
				annotation.maxQos(), List.of(annotation.connections())) : null;
	}

}
