package dev.mqttspring.autoconfigure;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttCredentialsProvider;
import dev.mqttspring.core.MqttEnhancedAuthenticator;
import dev.mqttspring.core.MqttVersion;

/**
 * Finds the application beans that belong to one connection: a bean named
 * {@code <name>MqttCredentialsProvider} (or {@code <name>MqttEnhancedAuthenticator}) for the
 * named connection {@code <name>}, and the one other bean of the type for the default
 * connection.
 */
final class MqttConnectionBeans {

	private MqttConnectionBeans() {
	}

	/**
	 * Give the settings of the default connection its credentials provider and enhanced
	 * authenticator.
	 */
	static void applyDefault(MqttConnectionSettings settings, MqttProperties properties,
			ListableBeanFactory beanFactory, Collection<String> connections) {
		settings.setCredentialsProvider(forDefault(beanFactory, connections, MqttCredentialsProvider.class,
				"mqtt.username"));
		settings.setEnhancedAuthenticator(forDefault(beanFactory, connections,
				MqttEnhancedAuthenticator.class, "mqtt.connections"));
		checkEnhancedAuthentication(settings, properties);
	}

	/**
	 * Give the settings of a named connection its credentials provider and enhanced
	 * authenticator.
	 */
	static void applyNamed(MqttConnectionSettings settings, MqttProperties properties, ListableBeanFactory beanFactory,
			String connection) {
		settings.setCredentialsProvider(forConnection(beanFactory, connection, MqttCredentialsProvider.class));
		settings.setEnhancedAuthenticator(forConnection(beanFactory, connection, MqttEnhancedAuthenticator.class));
		checkEnhancedAuthentication(settings, properties);
	}

	/**
	 * Enhanced authentication sends AUTH packets, which MQTT 3.1.1 does not have and the
	 * Paho backend does not support.
	 */
	private static void checkEnhancedAuthentication(MqttConnectionSettings settings, MqttProperties properties) {
		MqttEnhancedAuthenticator authenticator = settings.getEnhancedAuthenticator();
		if (authenticator == null) {
			return;
		}
		String what = "MQTT 5 enhanced authentication (" + authenticator.getClass().getName()
				+ ") needs MQTT 5 and the HiveMQ client library";
		if (settings.getVersion() != MqttVersion.V5) {
			throw new InvalidConfigurationPropertyValueException("mqtt.version", properties.getVersion(),
					what + "; set mqtt.version=5, or remove the MqttEnhancedAuthenticator bean");
		}
		if (properties.getClientLibrary() != MqttProperties.ClientLibrary.HIVEMQ) {
			throw new InvalidConfigurationPropertyValueException("mqtt.client-library", "paho",
					what + "; set mqtt.client-library=hivemq (the default), or remove the MqttEnhancedAuthenticator bean");
		}
	}

	/**
	 * @param property the property the bean stands for, named by the error when there
	 * are several
	 */
	private static <T> @Nullable T forDefault(ListableBeanFactory beanFactory, Collection<String> connections,
			Class<T> type, String property) {
		String suffix = type.getSimpleName();
		List<String> candidates = Arrays.stream(beanFactory.getBeanNamesForType(type))
			.filter((bean) -> connections.stream().noneMatch((connection) -> bean.equals(connection + suffix)))
			.toList();
		if (candidates.isEmpty()) {
			return null;
		}
		if (candidates.size() > 1) {
			throw new InvalidConfigurationPropertyValueException(property, null, "there are " + candidates.size() + " " + suffix
					+ " beans " + candidates + " for the default connection; define one, or name each after its connection (<name>"
					+ suffix + " for mqtt.connections.<name>)");
		}
		return beanFactory.getBean(candidates.get(0), type);
	}

	private static <T> @Nullable T forConnection(ListableBeanFactory beanFactory, String connection, Class<T> type) {
		String bean = connection + type.getSimpleName();
		return (beanFactory.containsBean(bean)) ? beanFactory.getBean(bean, type) : null;
	}

}
