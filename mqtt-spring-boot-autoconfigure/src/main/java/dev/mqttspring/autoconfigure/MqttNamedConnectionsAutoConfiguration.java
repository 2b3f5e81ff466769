package dev.mqttspring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.ReplyingMqttTemplate;

/**
 * Auto-configuration of the named connections of {@code mqtt.connections.<name>.*}: for
 * each name, the beans {@code <name>MqttConnectionDetails}, {@code <name>MqttConnection},
 * {@code <name>MqttTemplate}, {@code <name>ReplyingMqttTemplate} and
 * {@code <name>MqttListenerContainerFactory}, injectable with
 * {@code @Qualifier("<name>")} and never in place of the default connection's beans. A bean
 * the application defines with one of these names replaces it, e.g.
 * {@code <name>MqttConnectionDetails} to point a named connection at a container or an
 * embedded broker in a test.
 * Runs before the other MQTT auto-configurations so that such a bean does not count as the
 * default connection's details.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(before = { MqttEmbeddedBrokerAutoConfiguration.class, MqttAutoConfiguration.class })
@Import(MqttNamedConnectionsAutoConfiguration.Registrar.class)
public final class MqttNamedConnectionsAutoConfiguration {

	/**
	 * Registers the beans of each named connection.
	 */
	static final class Registrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

		private @Nullable Environment environment;

		@Override
		public void setEnvironment(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			Assert.state(this.environment != null, "Environment must be set");
			List<String> names = MqttNamedConnections.names(this.environment);
			if (names.isEmpty()) {
				return;
			}
			MqttNamedConnections.checkClientIds(this.environment, names);
			RootBeanDefinition connections = new RootBeanDefinition(MqttNamedConnections.class);
			connections.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(MqttNamedConnections.BEAN_NAME, connections);
			for (String name : names) {
				register(registry, name + MqttNamedConnections.CONNECTION_DETAILS_BEAN_SUFFIX, "connectionDetails", name,
						MqttConnectionDetails.class);
				register(registry, name + MqttNamedConnections.CONNECTION_BEAN_SUFFIX, "connection", name,
						MqttConnection.class);
				register(registry, name + MqttNamedConnections.TEMPLATE_BEAN_SUFFIX, "template", name,
						MqttTemplate.class);
				register(registry, name + MqttNamedConnections.REPLYING_TEMPLATE_BEAN_SUFFIX, "replyingTemplate", name,
						ReplyingMqttTemplate.class);
				register(registry, name + MqttNamedConnections.LISTENER_CONTAINER_FACTORY_BEAN_SUFFIX,
						"listenerContainerFactory", name, DefaultMqttListenerContainerFactory.class);
			}
		}

		/**
		 * Register a bean of a named connection, or qualify the application's own bean of
		 * that name, which then replaces it.
		 */
		private static void register(BeanDefinitionRegistry registry, String beanName, String factoryMethod, String name,
				Class<?> type) {
			if (registry.containsBeanDefinition(beanName)) {
				// not a default candidate: never injected in place of the default connection's bean
				if (registry.getBeanDefinition(beanName) instanceof AbstractBeanDefinition own) {
					own.setDefaultCandidate(false);
					own.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
				}
				return;
			}
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setFactoryBeanName(MqttNamedConnections.BEAN_NAME);
			definition.setFactoryMethodName(factoryMethod);
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
			definition.setTargetType(type);
			definition.setDefaultCandidate(false);
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			registry.registerBeanDefinition(beanName, definition);
		}

	}

}
