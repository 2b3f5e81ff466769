package dev.mqttspring.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.MqttNamedConnections;
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

	/**
	 * The indicator of the connection, or with named connections a composite with one
	 * indicator per connection ({@code default} and each name).
	 */
	@Bean
	@ConditionalOnMissingBean(name = { "mqttHealthIndicator", "mqttHealthContributor" })
	HealthContributor mqttHealthContributor(MqttConnection connection, MqttHealthIndicatorProperties properties,
			ObjectProvider<MqttNamedConnections> namedConnections) {
		Status refused = status(properties.getRefusedSubscriptionStatus());
		MqttNamedConnections named = namedConnections.getIfAvailable();
		if (named == null || named.getNames().isEmpty()) {
			return new MqttHealthIndicator(connection, refused);
		}
		Map<String, HealthContributor> contributors = new LinkedHashMap<>();
		contributors.put(MqttNamedConnections.DEFAULT, new MqttHealthIndicator(connection, refused));
		for (String name : named.getNames()) {
			contributors.put(name, new MqttHealthIndicator(named.getConnection(name), refused));
		}
		return CompositeHealthContributor.fromMap(contributors);
	}

	private static Status status(String code) {
		if (!StringUtils.hasText(code)) {
			throw new IllegalArgumentException("management.health.mqtt.refused-subscription-status must not be empty; "
					+ "use UP, OUT_OF_SERVICE, DOWN or a custom status code");
		}
		return new Status(code.trim().toUpperCase(Locale.ROOT));
	}

}
