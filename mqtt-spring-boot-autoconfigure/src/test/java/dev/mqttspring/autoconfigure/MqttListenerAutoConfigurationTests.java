package dev.mqttspring.autoconfigure;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import dev.mqttspring.annotation.MqttListenerAnnotationBeanPostProcessor;
import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttRetainHandling;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttContainerErrorHandler;
import dev.mqttspring.listener.MqttListenerContainer;
import dev.mqttspring.listener.MqttOrderingKeyResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the listener infrastructure and start-up validation of
 * {@code @MqttSubscribe} declarations. The connection is never started: contexts that
 * should start use {@code mqtt.listener.auto-startup=false} or fail before the lifecycle.
 */
class MqttListenerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883");

	@Test
	void registersListenerInfrastructure() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MqttListenerEndpointRegistry.class)
				.hasSingleBean(MqttListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(MqttListenerContainerFactoryConfigurer.class)
				.hasBean("mqttListenerContainerFactory");
			assertThat(context.getBean(MqttListenerEndpointRegistry.class).getPhase())
				.isGreaterThan(dev.mqttspring.paho.PahoConnections.PHASE);
		});
	}

	@Test
	void appliesListenerPropertiesToContainers() {
		this.runner
			.withPropertyValues("mqtt.listener.auto-startup=false", "mqtt.listener.queue-capacity=7",
					"mqtt.listener.queue-memory=1MB",
					"mqtt.listener.shutdown-timeout=3s", "mqtt.listener.dead-letter-topic=dlt/all",
					"mqtt.listener.retry.max-attempts=4", "mqtt.listener.retry.initial-interval=50ms",
					"mqtt.listener.retry.multiplier=3", "mqtt.listener.retry.max-interval=200ms", "mqtt.fail-fast=true",
					"test.topic=sensors/#")
			.withUserConfiguration(OneListener.class)
			.run((context) -> {
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				MqttListenerContainer container = registry.getListenerContainer("one");
				assertThat(container).isInstanceOf(DefaultMqttListenerContainer.class);
				assertThat(container.isRunning()).isFalse();
				assertThat(container.isAutoStartup()).isFalse();
				assertThat(container.getTopicFilters()).containsExactly("$share/workers/sensors/#");
				assertThat(container.getGroup()).isEqualTo("workers");
				assertThat(container.getQos()).isEqualTo(2);
				assertThat(((DefaultMqttListenerContainer) container).getDeadLetterTopic()).isEqualTo("dlt/all");
				assertThat(container).extracting("queueCapacity").isEqualTo(7);
				assertThat(container).extracting("queueMemory").isEqualTo(1024L * 1024);
				assertThat(container).extracting("shutdownTimeout").isEqualTo(java.time.Duration.ofSeconds(3));
				assertThat(container).extracting("failFast").isEqualTo(true);
				BackOffExecution backOff = ((org.springframework.util.backoff.BackOff) org.springframework.test.util.ReflectionTestUtils
					.getField(container, "backOff")).start();
				assertThat(backOff.nextBackOff()).isEqualTo(50);
				assertThat(backOff.nextBackOff()).isEqualTo(150);
				assertThat(backOff.nextBackOff()).isEqualTo(200);
				assertThat(backOff.nextBackOff()).isEqualTo(BackOffExecution.STOP);
			});
	}

	@Test
	void noRetryByDefault() {
		MqttProperties properties = new MqttProperties();
		assertThat(MqttListenerContainerFactoryConfigurer.backOff(properties.getListener().getRetry()))
			.isInstanceOf(FixedBackOff.class)
			.satisfies((backOff) -> assertThat(backOff.start().nextBackOff()).isEqualTo(BackOffExecution.STOP));
		properties.getListener().getRetry().setMaxAttempts(2);
		assertThat(MqttListenerContainerFactoryConfigurer.backOff(properties.getListener().getRetry()))
			.isInstanceOf(ExponentialBackOff.class);
	}

	@Test
	void containersPublishThroughTheTemplateAndUseTheDefaultErrorHandlingWithoutABean() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.topic=a/b")
			.withUserConfiguration(OneListener.class)
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				assertThat(context.getBean("mqttListenerContainerFactory", DefaultMqttListenerContainerFactory.class)
					.getOperations()).isSameAs(template);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("one");
				assertThat(container).extracting("operations").isSameAs(template);
				assertThat(container).extracting("containerErrorHandler").isNull();
			});
	}

	@Test
	void singleContainerErrorHandlerBeanIsAppliedToContainers() {
		MqttContainerErrorHandler handler = (message, exception, context) -> true;
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.topic=a/b")
			.withBean(MqttContainerErrorHandler.class, () -> handler)
			.withUserConfiguration(OneListener.class)
			.run((context) -> {
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("one");
				assertThat(container).extracting("containerErrorHandler").isSameAs(handler);
			});
	}

	@Test
	void userDefinedContainerFactoryBacksOff() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.topic=a/b")
			.withUserConfiguration(CustomFactory.class, OneListener.class)
			.run((context) -> {
				assertThat(context).getBean("mqttListenerContainerFactory").isSameAs(context.getBean(CustomFactory.class).factory);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("one");
				assertThat(container).extracting("queueCapacity").isEqualTo(3);
			});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidFilters")
	void invalidFiltersFailStartupNamingTheMethodAndTheRule(String topic, String rule) {
		this.runner.withPropertyValues("test.topic=" + topic).withUserConfiguration(OneListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(rule);
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"@MqttSubscribe on dev.mqttspring.autoconfigure.MqttListenerAutoConfigurationTests$OneListener.listen");
		});
	}

	static Stream<Arguments> invalidFilters() {
		return Stream.of(Arguments.of("a/#/b", "'#' is only allowed as the last level"),
				Arguments.of("a+/b", "'+' must occupy a whole level"), Arguments.of("a/b#", "'#' must occupy a whole level"),
				Arguments.of("", "must not be empty"), Arguments.of("a/{id/b", "a variable must occupy a whole level"),
				Arguments.of("a/{id}/{id}", "appears twice"));
	}

	@Test
	void ackModeComesFromTheAnnotationElseTheProperty() {
		this.runner
			.withPropertyValues("mqtt.listener.auto-startup=false", "test.topic=a/b", "mqtt.listener.ack-mode=processed",
					"test.ack-mode=RECEIVED")
			.withUserConfiguration(OneListener.class, AckModeListener.class)
			.run((context) -> {
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				assertThat(((DefaultMqttListenerContainer) registry.getListenerContainer("one")).getAckMode())
					.isEqualTo(MqttAckMode.PROCESSED);
				assertThat(((DefaultMqttListenerContainer) registry.getListenerContainer("ack")).getAckMode())
					.isEqualTo(MqttAckMode.RECEIVED);
			});
	}

	@Test
	void invalidAckModeFailsStartupNamingTheValuesAllowed() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.ack-mode=later")
			.withUserConfiguration(AckModeListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid acknowledgement mode 'later'")
					.hasStackTraceContaining("AckModeListener.listen")
					.hasStackTraceContaining("use 'received' (acknowledge once queued) or 'processed'");
			});
	}

	@Test
	void filterLongerThan65535BytesFailsStartup() {
		this.runner.withPropertyValues("test.topic=" + "x".repeat(65_536)).withUserConfiguration(OneListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("65551 bytes in UTF-8; the maximum is 65535 bytes")
				.hasStackTraceContaining("OneListener.listen");
		});
	}

	@Test
	void filterWithNulFailsStartup() {
		this.runner.withUserConfiguration(NulListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("NUL character")
				.hasStackTraceContaining("NulListener.listen");
		});
	}

	@Test
	void unknownTopicVariableFailsStartup() {
		this.runner.withUserConfiguration(UnknownVariableListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"@TopicVariable(\"room\") on dev.mqttspring.autoconfigure.MqttListenerAutoConfigurationTests$UnknownVariableListener.listen"
							+ " has no matching '{room}' level");
		});
	}

	@Test
	void unknownErrorHandlerFailsStartup() {
		this.runner.withUserConfiguration(UnknownErrorHandlerListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"names the error handler 'missingHandler' but there is no MqttListenerErrorHandler bean of that name");
		});
	}

	@Test
	void unresolvablePlaceholderFailsStartup() {
		this.runner.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class))
			.withUserConfiguration(OneListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("Could not resolve topics '${test.topic}'")
				.hasStackTraceContaining("test.topic");
		});
	}

	@Test
	void duplicateIdFailsStartup() {
		this.runner.withUserConfiguration(DuplicateIdListeners.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("already uses the id 'same'");
		});
	}

	@Test
	void appliesConcurrencyPropertyAndAttribute() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "mqtt.listener.concurrency=3", "test.workers=16")
			.withUserConfiguration(TenantKeyConfiguration.class, ConcurrentListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				assertThat(registry.getListenerContainer("default").getConcurrency()).isEqualTo(3);
				assertThat(registry.getListenerContainer("own").getConcurrency()).isEqualTo(16);
				assertThat(registry.getListenerContainer("byDevice")).extracting("orderingKeyResolver").isNotNull();
				assertThat(registry.getListenerContainer("byBean")).extracting("orderingKeyResolver")
					.isSameAs(context.getBean("tenantKey"));
				assertThat(registry.getListenerContainer("default")).extracting("orderingKeyResolver").isNull();
			});
	}

	@Test
	void concurrencyDefaultsToOne() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.topic=a/b")
			.withUserConfiguration(OneListener.class)
			.run((context) -> assertThat(context.getBean(MqttListenerEndpointRegistry.class)
				.getListenerContainer("one")
				.getConcurrency()).isEqualTo(1));
	}

	@Test
	void invalidConcurrencyAttributeFailsStartup() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.workers=many")
			.withUserConfiguration(TenantKeyConfiguration.class, ConcurrentListeners.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid concurrency 'many' in @MqttSubscribe on")
					.hasStackTraceContaining("ConcurrentListeners.own")
					.hasStackTraceContaining("use a whole number of 1 or more");
			});
	}

	@Test
	void zeroConcurrencyPropertyFailsStartup() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "mqtt.listener.concurrency=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("mqtt.listener.concurrency");
			});
	}

	@Test
	void orderingKeyWithUnknownTopicVariableFailsStartup() {
		this.runner.withUserConfiguration(UnknownOrderingVariableListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("it orders by the topic variable '{room}', but none of the topics [sensors/{id}/t] "
						+ "has a '{room}' level");
		});
	}

	@Test
	void orderingKeyNamingNoBeanFailsStartup() {
		this.runner.withUserConfiguration(UnknownOrderingBeanListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"names the ordering key 'missingResolver', but there is no MqttOrderingKeyResolver bean of that name");
		});
	}

	@Test
	void appliesSubscriptionOptionPropertiesAndAttributes() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "mqtt.listener.no-local=true",
				"mqtt.listener.retain-handling=send-if-new-subscription")
			.withUserConfiguration(OptionsListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				assertThat(((DefaultMqttListenerContainer) registry.getListenerContainer("defaults")).getSubscriptionOptions())
					.isEqualTo(new MqttSubscriptionOptions(true, false, MqttRetainHandling.SEND_IF_NEW_SUBSCRIPTION));
				assertThat(((DefaultMqttListenerContainer) registry.getListenerContainer("own")).getSubscriptionOptions())
					.isEqualTo(new MqttSubscriptionOptions(false, true, MqttRetainHandling.DO_NOT_SEND));
			});
	}

	@Test
	void invalidRetainHandlingFailsStartupNamingTheValuesAllowed() {
		this.runner.withPropertyValues("mqtt.listener.auto-startup=false", "test.retain-handling=sometimes")
			.withUserConfiguration(OptionsListeners.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid retain handling 'sometimes'")
					.hasStackTraceContaining("OptionsListeners.own")
					.hasStackTraceContaining("'send-on-subscribe'")
					.hasStackTraceContaining("'do-not-send'");
			});
	}

	@Test
	void noLocalOnSharedSubscriptionFailsStartup() {
		this.runner.withUserConfiguration(SharedNoLocalListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("noLocal is set on the shared subscription(s) [$share/workers/a/b], which MQTT 5 forbids");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OptionsListeners {

		@MqttSubscribe(id = "defaults", topics = "o/defaults")
		void defaults(String payload) {
		}

		@MqttSubscribe(id = "own", topics = "o/own", noLocal = "false", retainAsPublished = "true",
				retainHandling = "${test.retain-handling:do-not-send}")
		void own(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedNoLocalListener {

		@MqttSubscribe(topics = "a/b", group = "workers", noLocal = "true")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TenantKeyConfiguration {

		@Bean
		MqttOrderingKeyResolver tenantKey() {
			return (message) -> message.getProperties().getUserProperties().isEmpty() ? null
					: message.getProperties().getUserProperties().get(0).value();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConcurrentListeners {

		@MqttSubscribe(id = "default", topics = "a/default")
		void defaults(String payload) {
		}

		@MqttSubscribe(id = "own", topics = "a/own", concurrency = "${test.workers}")
		void own(String payload) {
		}

		@MqttSubscribe(id = "byDevice", topics = "devices/{device}/+", concurrency = "4", orderingKey = "{device}")
		void byDevice(String payload) {
		}

		@MqttSubscribe(id = "byBean", topics = "tenants/#", concurrency = "4", orderingKey = "tenantKey")
		void byBean(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownOrderingVariableListener {

		@MqttSubscribe(topics = "sensors/{id}/t", concurrency = "2", orderingKey = "{room}")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownOrderingBeanListener {

		@MqttSubscribe(topics = "a/b", concurrency = "2", orderingKey = "missingResolver")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneListener {

		@MqttSubscribe(id = "one", topics = "${test.topic}", qos = 2, group = "${test.group:workers}")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AckModeListener {

		@MqttSubscribe(id = "ack", topics = "a/c", ackMode = "${test.ack-mode}")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NulListener {

		@MqttSubscribe("a/\u0000/b")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownVariableListener {

		@MqttSubscribe("sensors/{id}/temperature")
		void listen(@TopicVariable("room") String room) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownErrorHandlerListener {

		@MqttSubscribe(topics = "a/b", errorHandler = "missingHandler")
		void listen(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateIdListeners {

		@MqttSubscribe(id = "same", topics = "a/b")
		void one(String payload) {
		}

		@MqttSubscribe(id = "same", topics = "a/c")
		void two(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomFactory {

		DefaultMqttListenerContainerFactory factory;

		@Bean
		DefaultMqttListenerContainerFactory mqttListenerContainerFactory(MqttConnection connection,
				MqttListenerContainerFactoryConfigurer configurer) {
			this.factory = new DefaultMqttListenerContainerFactory(connection,
					dev.mqttspring.support.MqttMessageConverters.createDefault(null));
			configurer.configure(this.factory);
			this.factory.setQueueCapacity(3);
			return this.factory;
		}

	}

}
