package dev.mqttspring.embedded;

import java.net.URL;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Keeps the application's logging set-up when the embedded broker is on the classpath.
 * The HiveMQ CE jar ships a {@code logback.xml} at the classpath root, which Spring Boot
 * would otherwise pick up instead of its defaults (and instead of the application's
 * {@code logback-spring.xml}). When {@code logging.config} is not set and the only
 * {@code logback.xml} comes from HiveMQ, this points {@code logging.config} at the
 * application's {@code logback-spring.xml}, or at Spring Boot's default console logging.
 *
 * @author mqtt-spring-boot
 */
public class EmbeddedBrokerLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private static final String BOOT_DEFAULT = "classpath:dev/mqttspring/embedded/logback-boot-defaults.xml";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("logging.config"))) {
			return;
		}
		ClassLoader classLoader = (application.getClassLoader() != null) ? application.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		if (classLoader == null || !ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", classLoader)) {
			return;
		}
		URL logback = classLoader.getResource("logback.xml");
		if (logback == null || !logback.toString().contains("hivemq-community-edition-embedded")
				|| classLoader.getResource("logback-test.xml") != null) {
			return;
		}
		String config = (classLoader.getResource("logback-spring.xml") != null) ? "classpath:logback-spring.xml" : BOOT_DEFAULT;
		environment.getPropertySources()
			.addLast(new MapPropertySource("mqttEmbeddedBrokerLogging", Map.of("logging.config", config)));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
