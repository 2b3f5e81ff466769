package dev.mqttspring.testcontainers;

import java.util.List;

import org.testcontainers.containers.Container;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.util.ClassUtils;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

/**
 * {@link ContainerConnectionDetailsFactory} to create {@link MqttConnectionDetails} from
 * a {@link ServiceConnection @ServiceConnection}-annotated {@code GenericContainer} of
 * the {@code eclipse-mosquitto}, {@code emqx/emqx} (or {@code emqx}) or
 * {@code hivemq/hivemq-ce} image, or of any image when
 * {@code @ServiceConnection(name = ...)} names one of them. The broker must listen on
 * port 1883; a {@code HiveMQContainer} is left to
 * {@link HiveMqContainerConnectionDetailsFactory}.
 *
 * @author mqtt-spring-boot
 */
class MqttContainerConnectionDetailsFactory extends AbstractMqttContainerConnectionDetailsFactory<Container<?>> {

	static final List<String> CONNECTION_NAMES = List.of("eclipse-mosquitto", "emqx/emqx", "emqx",
			"hivemq/hivemq-ce");

	private static final String HIVEMQ_CONTAINER = "org.testcontainers.hivemq.HiveMQContainer";

	MqttContainerConnectionDetailsFactory() {
		super(CONNECTION_NAMES);
	}

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<Container<?>> source, Class<?> requiredContainerType,
			Class<?> requiredConnectionDetailsType) {
		return super.sourceAccepts(source, requiredContainerType, requiredConnectionDetailsType)
				&& !isHiveMqContainer(source, requiredConnectionDetailsType);
	}

	private boolean isHiveMqContainer(ContainerConnectionSource<Container<?>> source,
			Class<?> requiredConnectionDetailsType) {
		ClassLoader classLoader = getClass().getClassLoader();
		if (!ClassUtils.isPresent(HIVEMQ_CONTAINER, classLoader)) {
			return false;
		}
		Class<?> hiveMqContainer = ClassUtils.resolveClassName(HIVEMQ_CONTAINER, classLoader);
		return source.accepts(ANY_CONNECTION_NAME, hiveMqContainer, requiredConnectionDetailsType);
	}

}
