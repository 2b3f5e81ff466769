package dev.mqttspring.test.context;

import java.lang.reflect.AnnotatedElement;
import java.util.Arrays;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.beans.factory.annotation.ParameterResolutionDelegate;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * JUnit 5 extension behind {@link EmbeddedMqtt}: starts the broker once per test class
 * for plain JUnit tests (Spring tests get it from
 * {@link EmbeddedMqttContextCustomizerFactory} instead) and resolves
 * {@link EmbeddedMqttBroker} parameters.
 *
 * @author mqtt-spring-boot
 */
class EmbeddedMqttExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(EmbeddedMqttExtension.class);

	private static final String BROKER_KEY = "broker";

	@Override
	public void beforeAll(ExtensionContext context) {
		Class<?> testClass = context.getRequiredTestClass();
		if (isSpringTest(testClass) || context.getStore(NAMESPACE).get(BROKER_KEY) != null) {
			return;
		}
		EmbeddedMqtt annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, EmbeddedMqtt.class);
		if (annotation == null) {
			throw new IllegalStateException(
					"EmbeddedMqttExtension is registered on " + testClass.getName() + " without @EmbeddedMqtt");
		}
		// closed by JUnit (AutoCloseable) when the class context ends
		context.getStore(NAMESPACE).put(BROKER_KEY, EmbeddedMqttBrokers.start(annotation));
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		// leave @Autowired, @Qualifier and @Value parameters to the SpringExtension
		return parameterContext.getParameter().getType() == EmbeddedMqttBroker.class
				&& !ParameterResolutionDelegate.isAutowirable(parameterContext.getParameter(), parameterContext.getIndex());
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (isSpringTest(extensionContext.getRequiredTestClass())) {
			return SpringExtension.getApplicationContext(extensionContext)
				.getBean(EmbeddedMqttContextCustomizer.BEAN_NAME, EmbeddedMqttBroker.class);
		}
		EmbeddedMqttBroker broker = extensionContext.getStore(NAMESPACE).get(BROKER_KEY, EmbeddedMqttBroker.class);
		if (broker == null) {
			throw new ParameterResolutionException("No embedded MQTT broker is running for "
					+ extensionContext.getRequiredTestClass().getName() + "; annotate the test class with @EmbeddedMqtt");
		}
		return broker;
	}

	private static boolean isSpringTest(Class<?> testClass) {
		for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
			if (extendsWithSpring(candidate)) {
				return true;
			}
		}
		return false;
	}

	private static boolean extendsWithSpring(AnnotatedElement element) {
		return AnnotatedElementUtils.findAllMergedAnnotations(element, ExtendWith.class)
			.stream()
			.flatMap((extendWith) -> Arrays.stream(extendWith.value()))
			.anyMatch(SpringExtension.class::isAssignableFrom);
	}

}
