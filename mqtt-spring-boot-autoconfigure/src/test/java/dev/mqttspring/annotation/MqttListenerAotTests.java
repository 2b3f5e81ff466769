package dev.mqttspring.annotation;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;

import dev.mqttspring.autoconfigure.MqttProperties;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Ahead-of-time processing of {@code @MqttSubscribe} beans: the hints come from
 * {@code META-INF/spring/aot.factories} (the bean registration AOT processor for listener
 * beans and the starter's {@code RuntimeHintsRegistrar}).
 */
class MqttListenerAotTests {

	@Test
	void listenerMethodsArePayloadTypesAndRepliesGetHints() {
		RuntimeHints hints = processAheadOfTime(Listeners.class, Plain.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "onReading")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "onRepeated")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "onMessage")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "reply")).accepts(hints);
		// payloads and replies are bound by the JSON converter
		assertThat(RuntimeHintsPredicates.reflection().onType(Reading.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Reading.class, "celsius")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Alert.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Command.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Status.class)).accepts(hints);
		// a bean without listeners gets none
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Plain.class, "work")).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Unrelated.class)).rejects(hints);
	}

	@Test
	void configurationPropertiesGetHintsFromTheStartersRegistrar() {
		RuntimeHints hints = processAheadOfTime(Plain.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttProperties.class, "setUrl")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MqttProperties.Will.class, "setTopic"))
			.accepts(hints);
	}

	@Test
	void processorIgnoresBeansWithoutListeners() {
		assertThat(MqttListenerBeanRegistrationAotProcessor.listenerMethods(Plain.class)).isEmpty();
		assertThat(MqttListenerBeanRegistrationAotProcessor.listenerMethods(Listeners.class)).hasSize(4);
	}

	/**
	 * Run the starter's AOT contributions as {@code META-INF/spring/aot.factories}
	 * registers them (the same on every supported Spring Framework line).
	 */
	private static RuntimeHints processAheadOfTime(Class<?>... beanClasses) {
		RuntimeHints hints = new RuntimeHints();
		GenerationContext generationContext = mock(GenerationContext.class);
		given(generationContext.getRuntimeHints()).willReturn(hints);
		SpringFactoriesLoader aotFactories = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories");
		List<BeanRegistrationAotProcessor> processors = aotFactories.load(BeanRegistrationAotProcessor.class)
			.stream()
			.filter(MqttListenerBeanRegistrationAotProcessor.class::isInstance)
			.toList();
		assertThat(processors).as("processor registered in aot.factories").hasSize(1);
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		for (Class<?> beanClass : beanClasses) {
			beanFactory.registerBeanDefinition(beanClass.getName(), new RootBeanDefinition(beanClass));
			BeanRegistrationAotContribution contribution = processors.get(0)
				.processAheadOfTime(RegisteredBean.of(beanFactory, beanClass.getName()));
			if (contribution != null) {
				contribution.applyTo(generationContext, mock(BeanRegistrationCode.class));
			}
		}
		List<RuntimeHintsRegistrar> registrars = aotFactories.load(RuntimeHintsRegistrar.class)
			.stream()
			.filter((registrar) -> registrar.getClass().getName().startsWith("dev.mqttspring."))
			.toList();
		assertThat(registrars).as("registrar registered in aot.factories").isNotEmpty();
		registrars.forEach((registrar) -> registrar.registerHints(hints, MqttListenerAotTests.class.getClassLoader()));
		return hints;
	}

	public static class Listeners {

		@MqttSubscribe("sensors/{id}/temperature")
		public void onReading(Reading reading, @TopicVariable("id") String id,
				@Header(MqttHeaders.RECEIVED_TOPIC) String topic) {
		}

		@MqttSubscribe("a/#")
		@MqttSubscribe("b/#")
		public void onRepeated(@Payload Alert alert) {
		}

		@MqttSubscribe("commands")
		public void onMessage(Message<Command> command) {
		}

		@MqttSubscribe("status/request")
		@SendTo("status/reply")
		public Status reply(String request) {
			return new Status("ok");
		}

	}

	public static class Plain {

		public Unrelated work(Unrelated unrelated) {
			return unrelated;
		}

	}

	public record Reading(double celsius) {
	}

	public record Alert(String text) {
	}

	public record Command(String name) {
	}

	public record Status(String state) {
	}

	public record Unrelated(List<String> values) {
	}

}
