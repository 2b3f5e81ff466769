package dev.mqttspring.autoconfigure;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * Auto-configuration of an in-process HiveMQ CE broker for development and tests, like
 * Spring Boot's embedded Artemis. It starts when {@code mqtt.embedded.enabled=true}, or
 * when no {@code mqtt.url} is set and the embedded broker is on the classpath. It backs off
 * when connection details come from elsewhere ({@code @ServiceConnection}, Docker Compose).
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(before = MqttAutoConfiguration.class)
@ConditionalOnClass(name = { "dev.mqttspring.embedded.EmbeddedMqttBroker", "com.hivemq.embedded.EmbeddedHiveMQ" })
@Conditional(MqttEmbeddedBrokerAutoConfiguration.EmbeddedBrokerCondition.class)
@ConditionalOnMissingBean(MqttConnectionDetails.class)
@EnableConfigurationProperties(MqttProperties.class)
public final class MqttEmbeddedBrokerAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MqttEmbeddedBrokerAutoConfiguration.class);

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	EmbeddedMqttBroker embeddedMqttBroker(MqttProperties properties) {
		MqttProperties.Embedded embedded = properties.getEmbedded();
		EmbeddedMqttBroker broker = new EmbeddedMqttBroker(embedded.getPort(), embedded.getWebsocketPort());
		broker.start();
		logger.info("Started embedded MQTT broker (HiveMQ CE) at " + broker.getUrl()
				+ ((embedded.getWebsocketPort() >= 0) ? " and " + broker.getWebSocketUrl() : "")
				+ " - for development and tests only; set mqtt.url to use a real broker");
		return broker;
	}

	@Bean
	@ConditionalOnMissingBean(MqttConnectionDetails.class)
	MqttConnectionDetails embeddedMqttConnectionDetails(EmbeddedMqttBroker broker, MqttProperties properties) {
		return new EmbeddedBrokerConnectionDetails(broker, properties);
	}

	/**
	 * Connection details pointing at the embedded broker; credentials still come from
	 * properties.
	 */
	static final class EmbeddedBrokerConnectionDetails implements MqttConnectionDetails {

		private final EmbeddedMqttBroker broker;

		private final MqttProperties properties;

		EmbeddedBrokerConnectionDetails(EmbeddedMqttBroker broker, MqttProperties properties) {
			this.broker = broker;
			this.properties = properties;
		}

		@Override
		public List<String> getServerUris() {
			return List.of(this.broker.getUrl());
		}

		@Override
		public String getUsername() {
			return this.properties.getUsername();
		}

		@Override
		public String getPassword() {
			return this.properties.getPassword();
		}

	}

	/**
	 * Matches when the embedded broker is enabled explicitly, or not disabled and no URL is
	 * set.
	 */
	static final class EmbeddedBrokerCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			String enabled = environment.getProperty("mqtt.embedded.enabled");
			if (StringUtils.hasText(enabled)) {
				return Boolean.parseBoolean(enabled.trim()) ? ConditionOutcome.match("mqtt.embedded.enabled is true")
						: ConditionOutcome.noMatch("mqtt.embedded.enabled is false");
			}
			if (StringUtils.hasText(environment.getProperty("mqtt.url"))) {
				return ConditionOutcome.noMatch("mqtt.url is set");
			}
			return ConditionOutcome.match("no mqtt.url is set");
		}

	}

}
