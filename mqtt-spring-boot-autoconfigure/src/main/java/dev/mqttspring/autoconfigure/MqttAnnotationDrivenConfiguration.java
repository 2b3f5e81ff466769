package dev.mqttspring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.MessageConverter;

import dev.mqttspring.annotation.MqttListenerAnnotationBeanPostProcessor;
import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.MqttContainerErrorHandler;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * Configuration for {@code @MqttSubscribe} listeners, imported by
 * {@link MqttAutoConfiguration}: the annotation post-processor, the endpoint registry
 * and the default container factory configured from {@code mqtt.listener.*}, whose
 * containers publish replies and dead letters through the default template.
 */
@Configuration(proxyBeanMethods = false)
class MqttAnnotationDrivenConfiguration {

	private static final String CONTAINER_FACTORY_BEAN_NAME = MqttListenerAnnotationBeanPostProcessor.DEFAULT_CONTAINER_FACTORY_BEAN_NAME;

	@Bean
	@ConditionalOnMissingBean
	MqttListenerContainerFactoryConfigurer mqttListenerContainerFactoryConfigurer(MqttProperties properties,
			Environment environment, ObjectProvider<MqttListenerObserver> observers,
			ObjectProvider<MqttContainerErrorHandler> containerErrorHandler) {
		return new MqttListenerContainerFactoryConfigurer(properties, Threading.VIRTUAL.isActive(environment),
				MqttListenerObserver.composite(observers.orderedStream().toList()), containerErrorHandler.getIfUnique());
	}

	@Bean(CONTAINER_FACTORY_BEAN_NAME)
	@ConditionalOnBean(MqttConnection.class)
	@ConditionalOnMissingBean(name = CONTAINER_FACTORY_BEAN_NAME)
	DefaultMqttListenerContainerFactory mqttListenerContainerFactory(MqttListenerContainerFactoryConfigurer configurer,
			MqttConnection connection, ObjectProvider<MqttOperations> operations,
			@Qualifier(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME) MessageConverter messageConverter) {
		DefaultMqttListenerContainerFactory factory = new DefaultMqttListenerContainerFactory(connection,
				operations(connection, operations, messageConverter), messageConverter);
		configurer.configure(factory);
		return factory;
	}

	/**
	 * The operations replies and dead letters go through: the single {@link MqttOperations}
	 * bean, else the first template on the connection, else a plain template on it.
	 */
	static MqttOperations operations(MqttConnection connection, ObjectProvider<MqttOperations> operations,
			MessageConverter messageConverter) {
		MqttOperations unique = operations.getIfUnique();
		if (unique != null && !(unique instanceof MqttTemplate template && template.getConnection() != connection)) {
			return unique;
		}
		return operations.orderedStream()
			.filter((candidate) -> candidate instanceof MqttTemplate template && template.getConnection() == connection)
			.findFirst()
			.orElseGet(() -> new MqttTemplate(connection, messageConverter));
	}

	@Bean(MqttListenerEndpointRegistry.BEAN_NAME)
	@ConditionalOnMissingBean
	MqttListenerEndpointRegistry mqttListenerEndpointRegistry() {
		return new MqttListenerEndpointRegistry();
	}

	@Bean(MqttListenerAnnotationBeanPostProcessor.BEAN_NAME)
	@ConditionalOnMissingBean(MqttListenerAnnotationBeanPostProcessor.class)
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static MqttListenerAnnotationBeanPostProcessor mqttListenerAnnotationBeanPostProcessor() {
		return new MqttListenerAnnotationBeanPostProcessor();
	}

}
