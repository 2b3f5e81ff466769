package dev.mqttspring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.converter.MessageConverter;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttPublishObserver;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.ReplyingMqttTemplate;
import dev.mqttspring.event.MqttDeliveryFailedEvent;
import dev.mqttspring.health.StubMqttConnection;
import dev.mqttspring.observation.DefaultMqttPublishObservationConvention;
import dev.mqttspring.observation.MqttPublishObservationContext;
import dev.mqttspring.support.MqttMessageConverters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of the auto-configured {@link MqttTemplate}: defaults, properties, back-off,
 * customizers, observers and observations.
 */
class MqttTemplateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "mqtt.client-id=template-ac-" + UUID.randomUUID());

	@Test
	void templateIsAutoConfiguredWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MqttOperations.class).hasSingleBean(MqttTemplate.class);
			MqttTemplate template = context.getBean(MqttTemplate.class);
			assertThat(template.getConnection()).isSameAs(context.getBean(MqttConnection.class));
			assertThat(template.getMessageConverter()).isSameAs(context.getBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME));
			assertThat(template.getDefaultQos()).isEqualTo(1);
			assertThat(template.isDefaultRetain()).isFalse();
			assertThat(template.getTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(template.getQosExceeded()).isEqualTo(MqttTemplate.QosExceeded.FAIL);
			assertThat(template.getReplyTopic()).isEqualTo(template.getConnection().getClientId() + "/replies");
			assertThat(template.isRunning()).isTrue();
		});
	}

	@Test
	void templatePropertiesAreApplied() {
		this.runner
			.withPropertyValues("mqtt.template.qos=2", "mqtt.template.retain=true", "mqtt.template.timeout=5s",
					"mqtt.template.qos-exceeded=downgrade", "mqtt.template.reply-topic=app/replies", "mqtt.max-qos=1")
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				assertThat(template.getDefaultQos()).isEqualTo(2);
				assertThat(template.isDefaultRetain()).isTrue();
				assertThat(template.getTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(template.getQosExceeded()).isEqualTo(MqttTemplate.QosExceeded.DOWNGRADE);
				assertThat(template.getReplyTopic()).isEqualTo("app/replies");
			});
	}

	@Test
	void replyingTemplateIsAutoConfiguredOnTheTemplateWithTheReplyTopic() {
		this.runner.withPropertyValues("mqtt.template.reply-topic=app/replies").run((context) -> {
			assertThat(context).hasSingleBean(ReplyingMqttTemplate.class);
			ReplyingMqttTemplate replying = context.getBean(ReplyingMqttTemplate.class);
			assertThat(replying.getTemplate()).isSameAs(context.getBean(MqttTemplate.class));
			assertThat(replying.getReplyTopic()).isEqualTo("app/replies");
			assertThat(replying.isRunning()).isTrue();
		});
	}

	@Test
	void replyingTemplateBacksOffForTheApplicationsOwn() {
		this.runner.withBean("myReplying", ReplyingMqttTemplate.class,
				() -> new ReplyingMqttTemplate(new MqttTemplate(new StubMqttConnection())))
			.run((context) -> assertThat(context).hasSingleBean(ReplyingMqttTemplate.class).hasBean("myReplying"));
	}

	@Test
	void failedPublishesArePublishedAsEvents() {
		this.runner.withPropertyValues("mqtt.version=3.1.1")
			.withUserConfiguration(DeliveryFailures.class)
			.run((context) -> {
				MqttTemplate template = context.getBean(MqttTemplate.class);
				assertThat(template.publish("a/+", "x")).isCompletedExceptionally();
				assertThat(context.getBean(DeliveryFailures.class).events).singleElement()
					.satisfies((event) -> assertThat(event.getTopic()).isEqualTo("a/+"));
			});
	}

	@Test
	void invalidTemplateQosFailsStartup() {
		this.runner.withPropertyValues("mqtt.template.qos=3").run((context) -> assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.hasMessage("Property mqtt.template.qos with value '3' is invalid: MQTT allows QoS 0 (at most once),"
					+ " 1 (at least once) or 2 (exactly once)"));
	}

	@Test
	void templateQosAboveMaxQosFailsStartupUnlessDowngrading() {
		this.runner.withPropertyValues("mqtt.template.qos=2", "mqtt.max-qos=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessage("Property mqtt.template.qos with value '2' is invalid: it exceeds mqtt.max-qos=1, so every"
						+ " publish(topic, payload) would fail; set mqtt.template.qos=1 or mqtt.template.qos-exceeded=downgrade"));
	}

	@Test
	void invalidReplyTopicFailsStartup() {
		this.runner.withPropertyValues("mqtt.template.reply-topic=replies/#")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property mqtt.template.reply-topic ")
				.hasMessageContaining("contains wildcard '#'"));
	}

	@Test
	void templateBacksOffWhenTheUserDefinesMqttOperations() {
		this.runner.withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(MqttOperations.class);
			assertThat(context.getBean(MqttOperations.class)).isSameAs(context.getBean("userTemplate"));
		});
	}

	@Test
	void customizersAreAppliedInOrder() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			MqttTemplate template = context.getBean(MqttTemplate.class);
			assertThat(template.getDefaultQos()).isEqualTo(2);
			assertThat(template.getTimeout()).isEqualTo(Duration.ofSeconds(7));
		});
	}

	@Test
	void publishObserverBeansObservePublishes() {
		this.runner.withUserConfiguration(ObserverConfiguration.class).run((context) -> {
			MqttTemplate template = context.getBean(MqttTemplate.class);
			template.publish("tpl/" + UUID.randomUUID(), "x").get(10, TimeUnit.SECONDS);
			template.publish("a/+", "x");
			RecordingObserver observer = context.getBean(RecordingObserver.class);
			assertThat(observer.events).hasSize(3).startsWith("start").endsWith("rejected a/+");
			assertThat(observer.events.get(1)).isEqualTo("stop null");
		});
	}

	@Test
	void observationsAreRecordedWhenEnabled() {
		this.runner.withUserConfiguration(ObservationConfiguration.class)
			.withPropertyValues("mqtt.template.observation-enabled=true")
			.run((context) -> {
				String topic = "tpl/" + UUID.randomUUID();
				context.getBean(MqttTemplate.class).publish(topic, "x", 0, false).get(10, TimeUnit.SECONDS);
				List<Observation.Context> observed = context.getBean(ObservationConfiguration.class).stopped;
				assertThat(observed).singleElement().isInstanceOfSatisfying(MqttPublishObservationContext.class, (observation) -> {
					assertThat(observation.getName()).isEqualTo(DefaultMqttPublishObservationConvention.NAME);
					assertThat(observation.getLowCardinalityKeyValue("mqtt.qos").getValue()).isEqualTo("0");
					assertThat(observation.getHighCardinalityKeyValue("mqtt.topic").getValue()).isEqualTo(topic);
					assertThat(observation.getError()).isNull();
				});
			});
	}

	@Test
	void observationsAreNotRecordedByDefault() {
		this.runner.withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			context.getBean(MqttTemplate.class).publish("tpl/" + UUID.randomUUID(), "x").get(10, TimeUnit.SECONDS);
			assertThat(context.getBean(ObservationConfiguration.class).stopped).isEmpty();
			assertThat(context).doesNotHaveBean("mqttTemplateObservationCustomizer");
		});
	}

	@Test
	void observationSupportBacksOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.withPropertyValues("mqtt.template.observation-enabled=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(MqttTemplate.class);
				assertThat(context).doesNotHaveBean("mqttTemplateObservationCustomizer");
			});
	}

	@Test
	void noTemplateWithoutAConnection() {
		new ApplicationContextRunner().withUserConfiguration(ConverterConfiguration.class, MqttTemplateConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MqttOperations.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(MqttProperties.class)
	static class ConverterConfiguration {

		@Bean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME)
		MessageConverter mqttMessageConverter() {
			return MqttMessageConverters.createDefault(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		MqttTemplate userTemplate(MqttConnection connection) {
			return new MqttTemplate(connection);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@Order(2)
		MqttTemplateCustomizer second() {
			return (template) -> template.setTimeout(template.getTimeout().plusSeconds(2));
		}

		@Bean
		@Order(1)
		MqttTemplateCustomizer first() {
			return (template) -> {
				template.setDefaultQos(2);
				template.setTimeout(Duration.ofSeconds(5));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObserverConfiguration {

		@Bean
		RecordingObserver recordingObserver() {
			return new RecordingObserver();
		}

	}

	static class RecordingObserver implements MqttPublishObserver {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public Handle start(MqttOutboundMessage message) {
			this.events.add("start");
			return (failure) -> this.events.add("stop " + failure);
		}

		@Override
		public void rejected(String topic, Throwable failure) {
			this.events.add("rejected " + topic);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationConfiguration {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public void onStop(Observation.Context context) {
					ObservationConfiguration.this.stopped.add(context);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			});
			return registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DeliveryFailures {

		final List<MqttDeliveryFailedEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void onFailure(MqttDeliveryFailedEvent event) {
			this.events.add(event);
		}

	}

}
