package dev.mqttspring.annotation;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;

import dev.mqttspring.autoconfigure.MqttProperties;
import dev.mqttspring.support.MqttHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ahead-of-time processing of a context with {@code @MqttSubscribe} beans: the hints come
 * from {@code META-INF/spring/aot.factories} (the bean registration AOT processor for
 * listener beans and the starter's {@code RuntimeHintsRegistrar}).
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

	private static RuntimeHints processAheadOfTime(Class<?>... beanClasses) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			for (Class<?> beanClass : beanClasses) {
				context.registerBean(beanClass);
			}
			DefaultGenerationContext generationContext = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get("dev.mqttspring.aottest", "Test")), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
			return generationContext.getRuntimeHints();
		}
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
