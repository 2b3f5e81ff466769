package dev.mqttspring.autoconfigure;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.ClassUtils;

import dev.mqttspring.client.MqttServerUris;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionListener;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.event.MqttConnectedEvent;
import dev.mqttspring.event.MqttConnectionLostEvent;
import dev.mqttspring.event.MqttSubscriptionGrantedEvent;
import dev.mqttspring.event.MqttSubscriptionRefusedEvent;
import dev.mqttspring.health.MqttUriSanitizer;
import dev.mqttspring.hivemq.HiveMqClientBuilderCustomizer;
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
			Environment environment, ObjectProvider<MqttConnectionCustomizer> customizers,
			org.springframework.beans.factory.ListableBeanFactory beanFactory) {
		MqttConnectionSettings settings = MqttSettingsFactory.create(properties, connectionDetails, environment);
		MqttConnectionBeans.applyDefault(settings, properties, beanFactory, MqttNamedConnections.names(environment));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(settings));
		return settings;
	}

	/**
	 * Connection backed by Eclipse Paho, opt-in with {@code mqtt.client-library=paho}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { MqttClientLibraryCondition.PAHO_CLIENT, MqttClientLibraryCondition.PAHO_V3_CLIENT })
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
	 * Connection backed by the HiveMQ MQTT client, the default.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MqttClientLibraryCondition.HIVEMQ_CLIENT)
	@Conditional(MqttClientLibraryCondition.HiveMq.class)
	static class HiveMqConnectionConfiguration {

		static final String NETTY_HTTP_CODEC = "io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker";

		@Bean
		@ConditionalOnMissingBean
		MqttConnection mqttConnection(MqttConnectionSettings settings, ApplicationEventPublisher eventPublisher,
				ObjectProvider<HiveMqClientBuilderCustomizer> customizers, ResourceLoader resourceLoader) {
			checkPersistence(settings);
			checkWebSocketSupport(settings, resourceLoader.getClassLoader());
			MqttConnection connection = HiveMqConnections.create(settings, customizers.orderedStream().toList());
			connection.addConnectionListener(new EventPublishingListener(connection, eventPublisher));
			return connection;
		}

		static void checkPersistence(MqttConnectionSettings settings) {
			if (settings.getPersistence() == MqttConnectionSettings.Persistence.FILE) {
				throw new InvalidConfigurationPropertyValueException("mqtt.persistence.type", "file",
						"the HiveMQ MQTT client (mqtt.client-library=hivemq, the default) keeps the session state "
								+ "(unacknowledged outgoing QoS 1/2 messages, incoming QoS 2 packet ids) in memory only, "
								+ "for as long as the application runs; use mqtt.persistence.type=memory (a persistent "
								+ "session, mqtt.clean-start=false, still lets the broker keep queued messages across "
								+ "restarts), or mqtt.client-library=paho with the Paho dependencies for a file-backed store");
			}
		}

		/**
		 * The HiveMQ client declares its WebSocket codec (Netty's HTTP codec) optional: without it a
		 * {@code ws://} connect attempt only times out waiting for the CONNACK.
		 */
		static void checkWebSocketSupport(MqttConnectionSettings settings, ClassLoader classLoader) {
			for (String uri : settings.getServerUris()) {
				if (MqttServerUris.isWebSocket(java.net.URI.create(uri))
						&& !ClassUtils.isPresent(NETTY_HTTP_CODEC, classLoader)) {
					throw new InvalidConfigurationPropertyValueException("mqtt.url", MqttUriSanitizer.sanitize(uri),
							"WebSocket URLs (ws://, wss://) with the HiveMQ MQTT client need Netty's HTTP codec; add the "
									+ "dependency io.netty:netty-codec-http (mqtt-spring-boot-starter brings it; its "
									+ "version comes from Spring Boot's dependency management)");
				}
			}
		}

	}

	/**
	 * Fails start-up with a clear message when {@code mqtt.client-library} names no known
	 * library or the selected library is not on the classpath.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(MqttClientLibraryCondition.Invalid.class)
	@ConditionalOnMissingBean(MqttConnection.class)
	static class InvalidClientLibraryConfiguration {

		InvalidClientLibraryConfiguration(Environment environment, ResourceLoader resourceLoader) {
			InvalidConfigurationPropertyValueException problem = MqttClientLibraryCondition.problem(environment,
					resourceLoader.getClassLoader());
			if (problem != null) {
				throw problem;
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
