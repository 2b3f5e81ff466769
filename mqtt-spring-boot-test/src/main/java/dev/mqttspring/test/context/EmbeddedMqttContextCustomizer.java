package dev.mqttspring.test.context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.Assert;

import dev.mqttspring.autoconfigure.MqttProperties;
import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * {@link ContextCustomizer} that starts an {@link EmbeddedMqttBroker}, registers it as a
 * bean (so that it stops with the context) and points {@code mqtt.url} at it. Equal
 * customizers keep the context cacheable across test classes.
 *
 * @param port the TCP port
 * @param webSocketPort the WebSocket port
 * @param maxQos the maximum QoS, or -1
 * @param connections the named connections to point at the broker, {@code *} for all
 */
record EmbeddedMqttContextCustomizer(int port, int webSocketPort, int maxQos, List<String> connections)
		implements ContextCustomizer {

	/** Name of the broker bean; the embedded broker auto-configuration backs off from it. */
	static final String BEAN_NAME = "embeddedMqttBroker";

	static final String PROPERTY_SOURCE_NAME = "embeddedMqtt";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		Assert.isInstanceOf(BeanDefinitionRegistry.class, context.getBeanFactory(),
				"@EmbeddedMqtt needs an application context whose bean factory is a BeanDefinitionRegistry");
		EmbeddedMqttBroker broker = EmbeddedMqttBrokers.start(this.port, this.webSocketPort, this.maxQos);
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("mqtt.url", broker.getUrl());
		for (String name : connectionNames(context.getEnvironment())) {
			properties.put("mqtt.connections." + name + ".url", broker.getUrl());
		}
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
		RootBeanDefinition definition = new RootBeanDefinition(EmbeddedMqttBroker.class, () -> broker);
		((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(BEAN_NAME, definition);
	}

	List<String> connectionNames(Environment environment) {
		if (!this.connections.contains(EmbeddedMqtt.ALL_CONNECTIONS)) {
			return this.connections;
		}
		return new ArrayList<>(Binder.get(environment)
			.bind("mqtt.connections", Bindable.mapOf(String.class, MqttProperties.class))
			.orElse(Map.of())
			.keySet());
	}

}
