package dev.mqttspring.autoconfigure;

import java.util.List;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.MessageConverter;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttDeliveryFailedEventPublisher;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttPublishObserver;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.ReplyingMqttTemplate;
import dev.mqttspring.observation.MqttPublishObservationConvention;
import dev.mqttspring.observation.ObservationMqttPublishObserver;

/**
 * Configuration for {@code MqttTemplate} and {@code ReplyingMqttTemplate}, imported by
 * {@link MqttAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class MqttTemplateConfiguration {

	@Bean
	@ConditionalOnMissingBean(MqttOperations.class)
	@ConditionalOnBean(MqttConnection.class)
	MqttTemplate mqttTemplate(MqttConnection connection, MqttProperties properties,
			@Qualifier(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME) MessageConverter messageConverter,
			ApplicationEventPublisher eventPublisher, ObjectProvider<MqttPublishObserver> observers,
			ObjectProvider<MqttTemplateCustomizer> customizers) {
		return createTemplate(connection, properties, messageConverter, eventPublisher,
				observers.orderedStream().toList(), customizers.orderedStream().toList());
	}

	/**
	 * Create a template on the connection configured by the properties of its connection.
	 */
	static MqttTemplate createTemplate(MqttConnection connection, MqttProperties properties,
			MessageConverter messageConverter, ApplicationEventPublisher eventPublisher,
			List<MqttPublishObserver> observers, List<MqttTemplateCustomizer> customizers) {
		MqttProperties.Template settings = properties.getTemplate();
		validate(properties);
		MqttTemplate template = new MqttTemplate(connection, messageConverter);
		template.setDefaultQos(settings.getQos());
		template.setDefaultRetain(settings.isRetain());
		template.setTimeout(settings.getTimeout());
		template.setQosExceeded((settings.getQosExceeded() == MqttProperties.Template.QosExceeded.DOWNGRADE)
				? MqttTemplate.QosExceeded.DOWNGRADE : MqttTemplate.QosExceeded.FAIL);
		template.setMaxQos(properties.getMaxQos());
		if (properties.getMaxPacketSize() != null) {
			template.setMaxPacketSize(properties.getMaxPacketSize().toBytes());
		}
		observers.forEach(template::addPublishObserver);
		customizers.forEach((customizer) -> customizer.customize(template));
		template.addPublishObserver(new MqttDeliveryFailedEventPublisher(eventPublisher, connection));
		return template;
	}

	@Bean
	@ConditionalOnMissingBean(ReplyingMqttTemplate.class)
	@ConditionalOnSingleCandidate(MqttTemplate.class)
	ReplyingMqttTemplate replyingMqttTemplate(MqttTemplate template, MqttProperties properties) {
		return createReplyingTemplate(template, properties);
	}

	/**
	 * Create the replying template of a template, with the reply topic of its connection.
	 */
	static ReplyingMqttTemplate createReplyingTemplate(MqttTemplate template, MqttProperties properties) {
		ReplyingMqttTemplate replying = new ReplyingMqttTemplate(template);
		replying.setReplyTopic(properties.getTemplate().getReplyTopic());
		return replying;
	}

	private static void validate(MqttProperties properties) {
		MqttProperties.Template settings = properties.getTemplate();
		if (settings.getQos() < 0 || settings.getQos() > 2) {
			throw new InvalidConfigurationPropertyValueException("mqtt.template.qos", settings.getQos(),
					"MQTT allows QoS 0 (at most once), 1 (at least once) or 2 (exactly once)");
		}
		if (settings.getQos() > properties.getMaxQos()
				&& settings.getQosExceeded() == MqttProperties.Template.QosExceeded.FAIL) {
			throw new InvalidConfigurationPropertyValueException("mqtt.template.qos", settings.getQos(),
					"it exceeds mqtt.max-qos=" + properties.getMaxQos() + ", so every publish(topic, payload) would fail;"
							+ " set mqtt.template.qos=" + properties.getMaxQos()
							+ " or mqtt.template.qos-exceeded=downgrade");
		}
		if (settings.getReplyTopic() != null) {
			try {
				MqttTopics.validateTopicName(settings.getReplyTopic());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("mqtt.template.reply-topic", settings.getReplyTopic(),
						ex.getMessage());
			}
		}
	}

	/**
	 * Records publishes as Micrometer observations when
	 * {@code mqtt.template.observation-enabled=true}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBooleanProperty("mqtt.template.observation-enabled")
	static class MqttTemplateObservationConfiguration {

		@Bean
		MqttTemplateCustomizer mqttTemplateObservationCustomizer(ObjectProvider<ObservationRegistry> registry,
				ObjectProvider<MqttPublishObservationConvention> convention) {
			return (template) -> registry.ifAvailable((observationRegistry) -> template.addPublishObserver(
					new ObservationMqttPublishObserver(observationRegistry, template.getConnection().getClientId(),
							convention.getIfAvailable())));
		}

	}

}
