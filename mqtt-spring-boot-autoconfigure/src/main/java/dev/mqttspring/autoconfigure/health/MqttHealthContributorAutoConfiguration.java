package dev.mqttspring.autoconfigure.health;

import java.util.Locale;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.health.MqttHealthIndicator;

/**
 * Auto-configuration of the {@code mqtt} health contributor, when Spring Boot's health
 * support is on the classpath and {@code management.health.mqtt.enabled} is not false.
 *
 * @author mqtt-spring-boot
 */
@AutoConfiguration(after = MqttAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(MqttConnection.class)
@ConditionalOnEnabledHealthIndicator("mqtt")
@EnableConfigurationProperties(MqttHealthIndicatorProperties.class)
public final class MqttHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "mqttHealthIndicator", "mqttHealthContributor" })
	MqttHealthIndicator mqttHealthContributor(MqttConnection connection, MqttHealthIndicatorProperties properties) {
		return new MqttHealthIndicator(connection, status(properties.getRefusedSubscriptionStatus()));
	}

	private static Status status(String code) {
		if (!StringUtils.hasText(code)) {
			throw new IllegalArgumentException("management.health.mqtt.refused-subscription-status must not be empty; "
					+ "use UP, OUT_OF_SERVICE, DOWN or a custom status code");
		}
		return new Status(code.trim().toUpperCase(Locale.ROOT));
	}

}
