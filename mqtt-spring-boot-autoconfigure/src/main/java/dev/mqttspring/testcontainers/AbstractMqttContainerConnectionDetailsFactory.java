package dev.mqttspring.testcontainers;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Container;

import org.springframework.beans.BeansException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

/**
 * Base for the {@link ContainerConnectionDetailsFactory ContainerConnectionDetailsFactories}
 * of MQTT brokers that listen for MQTT over TCP on port {@value #MQTT_PORT}.
 *
 * @param <C> the container type
 * @author mqtt-spring-boot
 */
abstract class AbstractMqttContainerConnectionDetailsFactory<C extends Container<?>>
		extends ContainerConnectionDetailsFactory<C, MqttConnectionDetails> {

	static final int MQTT_PORT = 1883;

	AbstractMqttContainerConnectionDetailsFactory(List<String> connectionNames, String... requiredClassNames) {
		super(connectionNames, requiredClassNames);
	}

	@Override
	protected final MqttConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<C> source) {
		return new MqttContainerConnectionDetails<>(source);
	}

	static String url(String host, int port) {
		boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
		return "tcp://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
	}

	/**
	 * {@link MqttConnectionDetails} backed by a {@link ContainerConnectionSource}. None of
	 * the supported images takes MQTT credentials from its environment, so the user name
	 * and password come from {@code mqtt.username} and {@code mqtt.password}, as they do
	 * for the embedded broker.
	 *
	 * @param <C> the container type
	 */
	static final class MqttContainerConnectionDetails<C extends Container<?>> extends ContainerConnectionDetails<C>
			implements MqttConnectionDetails {

		private volatile @Nullable Environment environment;

		MqttContainerConnectionDetails(ContainerConnectionSource<C> source) {
			super(source);
		}

		@Override
		public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
			super.setApplicationContext(applicationContext);
			this.environment = applicationContext.getEnvironment();
		}

		@Override
		public List<String> getServerUris() {
			C container = getContainer();
			return List.of(url(container.getHost(), container.getMappedPort(MQTT_PORT)));
		}

		@Override
		public @Nullable String getUsername() {
			return property("mqtt.username");
		}

		@Override
		public @Nullable String getPassword() {
			return property("mqtt.password");
		}

		@Override
		public @Nullable SslBundle getSslBundle() {
			return null;
		}

		private @Nullable String property(String name) {
			Environment environment = this.environment;
			return (environment != null) ? environment.getProperty(name) : null;
		}

	}

}
