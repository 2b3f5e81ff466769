package dev.mqttspring.test.context;

import java.util.Map;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.Assert;

import dev.mqttspring.embedded.EmbeddedMqttBroker;

/**
 * {@link ContextCustomizer} that starts an {@link EmbeddedMqttBroker}, registers it as a
 * bean (so that it stops with the context) and points {@code mqtt.url} at it. Equal
 * customizers keep the context cacheable across test classes.
 *
 * @param port the TCP port
 * @param webSocketPort the WebSocket port
 * @param maxQos the maximum QoS, or -1
 */
record EmbeddedMqttContextCustomizer(int port, int webSocketPort, int maxQos) implements ContextCustomizer {

	/** Name of the broker bean; the embedded broker auto-configuration backs off from it. */
	static final String BEAN_NAME = "embeddedMqttBroker";

	static final String PROPERTY_SOURCE_NAME = "embeddedMqtt";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		Assert.isInstanceOf(BeanDefinitionRegistry.class, context.getBeanFactory(),
				"@EmbeddedMqtt needs an application context whose bean factory is a BeanDefinitionRegistry");
		EmbeddedMqttBroker broker = EmbeddedMqttBrokers.start(this.port, this.webSocketPort, this.maxQos);
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("mqtt.url", broker.getUrl())));
		RootBeanDefinition definition = new RootBeanDefinition(EmbeddedMqttBroker.class, () -> broker);
		((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(BEAN_NAME, definition);
	}

}
