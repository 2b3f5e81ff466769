package dev.mqttspring.autoconfigure;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

import dev.mqttspring.core.MqttCredentialsProvider;

/**
 * Finds the {@link MqttCredentialsProvider} of each connection: a bean named
 * {@code <name>MqttCredentialsProvider} for the named connection {@code <name>}, and the one
 * other provider bean for the default connection.
 */
final class MqttCredentialsProviders {

	static final String BEAN_SUFFIX = "MqttCredentialsProvider";

	private MqttCredentialsProviders() {
	}

	static @Nullable MqttCredentialsProvider forDefault(ListableBeanFactory beanFactory, Collection<String> connections) {
		List<String> candidates = Arrays.stream(beanFactory.getBeanNamesForType(MqttCredentialsProvider.class))
			.filter((bean) -> connections.stream().noneMatch((connection) -> bean.equals(connection + BEAN_SUFFIX)))
			.toList();
		if (candidates.isEmpty()) {
			return null;
		}
		if (candidates.size() > 1) {
			throw new InvalidMqttPropertyException("mqtt.username", null, "there are " + candidates.size()
					+ " MqttCredentialsProvider beans " + candidates + " for the default connection; define one, or name "
					+ "each after its connection (<name>" + BEAN_SUFFIX + " for mqtt.connections.<name>)");
		}
		return beanFactory.getBean(candidates.get(0), MqttCredentialsProvider.class);
	}

	static @Nullable MqttCredentialsProvider forConnection(ListableBeanFactory beanFactory, String connection) {
		String bean = connection + BEAN_SUFFIX;
		return (beanFactory.containsBean(bean)) ? beanFactory.getBean(bean, MqttCredentialsProvider.class) : null;
	}

}
