package dev.mqttspring.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.core.env.Environment;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.event.MqttConnectedEvent;
import dev.mqttspring.event.MqttConnectionLostEvent;
import dev.mqttspring.event.MqttSubscriptionGrantedEvent;
import dev.mqttspring.event.MqttSubscriptionRefusedEvent;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.paho.PahoConnections;
import dev.mqttspring.support.MqttMessageConverters;

/**
 * Auto-configuration of the one managed MQTT connection shared by publishing and all
 * listeners.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@EnableConfigurationProperties(MqttProperties.class)
@Import({ MqttTemplateConfiguration.class, MqttAnnotationDrivenConfiguration.class })
public final class MqttAutoConfiguration {

	/**
	 * Name of the payload converter bean shared by MqttTemplate and listeners.
	 */
	public static final String MESSAGE_CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

	@Bean(MESSAGE_CONVERTER_BEAN_NAME)
	@ConditionalOnMissingBean(name = MESSAGE_CONVERTER_BEAN_NAME)
	MessageConverter mqttMessageConverter(ListableBeanFactory beanFactory) {
		Object jsonMapper = null;
		if (ClassUtils.isPresent(JSON_MAPPER, getClass().getClassLoader())) {
			jsonMapper = beanFactory.getBeanProvider(ClassUtils.resolveClassName(JSON_MAPPER, getClass().getClassLoader()))
				.getIfAvailable();
		}
		return MqttMessageConverters.createDefault(jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean(MqttConnectionDetails.class)
	PropertiesMqttConnectionDetails mqttConnectionDetails(MqttProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesMqttConnectionDetails(properties, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	MqttConnectionSettings mqttConnectionSettings(MqttProperties properties, MqttConnectionDetails connectionDetails,
			Environment environment, ObjectProvider<MqttConnectionCustomizer> customizers) {
		MqttConnectionSettings settings = MqttSettingsFactory.create(properties, connectionDetails, environment);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(settings));
		return settings;
	}

	/**
	 * Paho-backed connection.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.eclipse.paho.mqttv5.client.MqttAsyncClient",
			"org.eclipse.paho.client.mqttv3.MqttAsyncClient" })
	@Conditional(MqttClientLibraryCondition.Paho.class)
	static class PahoConnectionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MqttConnection mqttConnection(MqttConnectionSettings settings, ApplicationEventPublisher eventPublisher) {
			MqttConnection connection = PahoConnections.create(settings);
			connection.addConnectionListener(new EventPublishingListener(connection, eventPublisher));
			return connection;
		}

	}

	/**
	 * Connection backed by the HiveMQ MQTT client.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MqttClientLibraryCondition.HIVEMQ_CLIENT)
	@Conditional(MqttClientLibraryCondition.HiveMq.class)
	static class HiveMqConnectionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MqttConnection mqttConnection(MqttConnectionSettings settings, ApplicationEventPublisher eventPublisher) {
			if (settings.getPersistence() == MqttConnectionSettings.Persistence.FILE) {
				throw new InvalidMqttPropertyException("mqtt.persistence.type", "file",
						"the HiveMQ MQTT client (mqtt.client-library=hivemq) keeps in-flight messages in memory only; "
								+ "use mqtt.persistence.type=memory or mqtt.client-library=paho");
			}
			MqttConnection connection = HiveMqConnections.create(settings);
			connection.addConnectionListener(new EventPublishingListener(connection, eventPublisher));
			return connection;
		}

	}

	/**
	 * Fails start-up with a clear message when the chosen client library is missing.
	 */
	@Configuration(proxyBeanMethods = false)
	static class MissingClientLibraryConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnProperty(name = MqttClientLibraryCondition.PROPERTY, havingValue = "hivemq")
		@ConditionalOnMissingClass(MqttClientLibraryCondition.HIVEMQ_CLIENT)
		static class MissingHiveMqClient {

			MissingHiveMqClient() {
				throw new InvalidMqttPropertyException(MqttClientLibraryCondition.PROPERTY, "hivemq",
						"the HiveMQ MQTT client is not on the classpath; add the dependency com.hivemq:hivemq-mqtt-client "
								+ "or remove the property to use Eclipse Paho");
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnProperty(name = MqttClientLibraryCondition.PROPERTY, havingValue = "paho")
		@ConditionalOnMissingClass(MqttClientLibraryCondition.PAHO_CLIENT)
		static class MissingPahoClient {

			MissingPahoClient() {
				throw new InvalidMqttPropertyException(MqttClientLibraryCondition.PROPERTY, "paho",
						"Eclipse Paho is not on the classpath; add the dependency org.eclipse.paho:org.eclipse.paho.mqttv5.client "
								+ "(and org.eclipse.paho.client.mqttv3 for MQTT 3.1.1), or use mqtt.client-library=hivemq");
			}

		}

	}

	/**
	 * Publishes connection state changes as application events.
	 */
	static final class EventPublishingListener implements MqttConnectionListener {

		private final MqttConnection connection;

		private final ApplicationEventPublisher publisher;

		EventPublishingListener(MqttConnection connection, ApplicationEventPublisher publisher) {
			this.connection = connection;
			this.publisher = publisher;
		}

		@Override
		public void connected(String serverUri, boolean reconnect, boolean sessionPresent) {
			this.publisher.publishEvent(new MqttConnectedEvent(this.connection.getClientId(), serverUri, reconnect, sessionPresent));
		}

		@Override
		public void connectionLost(String cause, int reasonCode) {
			this.publisher.publishEvent(new MqttConnectionLostEvent(this.connection.getClientId(), cause, reasonCode));
		}

		@Override
		public void subscribed(MqttSubscriptionResult result) {
			if (result.isGranted()) {
				this.publisher.publishEvent(new MqttSubscriptionGrantedEvent(this.connection.getClientId(), result.filter(),
						result.requestedQos(), result.grantedQos()));
			}
			else {
				this.publisher.publishEvent(new MqttSubscriptionRefusedEvent(this.connection.getClientId(), result.filter(),
						result.reasonCode(), result.reason()));
			}
		}

	}

}
