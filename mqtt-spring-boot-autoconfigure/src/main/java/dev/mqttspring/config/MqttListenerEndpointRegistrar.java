package dev.mqttspring.config;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.util.Assert;

/**
 * Collects the endpoints found while the beans are created and registers them with the
 * {@link MqttListenerEndpointRegistry} once all singletons exist. Customize it with an
 * {@code MqttListenerConfigurer} bean.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerEndpointRegistrar implements InitializingBean {

	private final List<Registration> registrations = new ArrayList<>();

	private @Nullable MqttListenerEndpointRegistry endpointRegistry;

	private @Nullable MqttListenerContainerFactory containerFactory;

	private @Nullable MessageHandlerMethodFactory messageHandlerMethodFactory;

	private boolean initialized;

	/**
	 * Set the registry.
	 * @param endpointRegistry the registry
	 */
	public void setEndpointRegistry(MqttListenerEndpointRegistry endpointRegistry) {
		this.endpointRegistry = endpointRegistry;
	}

	/**
	 * Return the registry.
	 * @return the registry or {@code null}
	 */
	public @Nullable MqttListenerEndpointRegistry getEndpointRegistry() {
		return this.endpointRegistry;
	}

	/**
	 * Set the container factory for endpoints registered without one.
	 * @param containerFactory the factory
	 */
	public void setContainerFactory(MqttListenerContainerFactory containerFactory) {
		this.containerFactory = containerFactory;
	}

	/**
	 * Return the default container factory.
	 * @return the factory or {@code null}
	 */
	public @Nullable MqttListenerContainerFactory getContainerFactory() {
		return this.containerFactory;
	}

	/**
	 * Set the factory of invocable handler methods for method endpoints, replacing the
	 * default one (mqttMessageConverter, validator, {@code @TopicVariable}).
	 * @param messageHandlerMethodFactory the factory
	 */
	public void setMessageHandlerMethodFactory(MessageHandlerMethodFactory messageHandlerMethodFactory) {
		this.messageHandlerMethodFactory = messageHandlerMethodFactory;
	}

	/**
	 * Return the custom factory of invocable handler methods.
	 * @return the factory or {@code null}
	 */
	public @Nullable MessageHandlerMethodFactory getMessageHandlerMethodFactory() {
		return this.messageHandlerMethodFactory;
	}

	/**
	 * Register an endpoint with the default container factory.
	 * @param endpoint the endpoint
	 */
	public void registerEndpoint(MqttListenerEndpoint endpoint) {
		registerEndpoint(endpoint, null);
	}

	/**
	 * Register an endpoint.
	 * @param endpoint the endpoint
	 * @param factory the container factory, or {@code null} for the default
	 */
	public void registerEndpoint(MqttListenerEndpoint endpoint, @Nullable MqttListenerContainerFactory factory) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		Registration registration = new Registration(endpoint, factory);
		synchronized (this.registrations) {
			if (this.initialized) {
				register(registration);
			}
			else {
				this.registrations.add(registration);
			}
		}
	}

	@Override
	public void afterPropertiesSet() {
		synchronized (this.registrations) {
			for (Registration registration : this.registrations) {
				register(registration);
			}
			this.registrations.clear();
			this.initialized = true;
		}
	}

	private void register(Registration registration) {
		Assert.state(this.endpointRegistry != null, "No MqttListenerEndpointRegistry set");
		MqttListenerContainerFactory factory = (registration.factory() != null) ? registration.factory()
				: this.containerFactory;
		Assert.state(factory != null, () -> "No MqttListenerContainerFactory for the listener on "
				+ registration.endpoint().getDescription() + "; define an 'mqttListenerContainerFactory' bean");
		this.endpointRegistry.registerListenerContainer(registration.endpoint(), factory);
	}

	private record Registration(MqttListenerEndpoint endpoint, @Nullable MqttListenerContainerFactory factory) {
	}

}
