package dev.mqttspring.testcontainers;

import java.util.Collections;

import org.testcontainers.hivemq.HiveMQContainer;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import dev.mqttspring.autoconfigure.MqttConnectionDetails;

/**
 * {@link ContainerConnectionDetailsFactory} to create {@link MqttConnectionDetails} from
 * a {@link ServiceConnection @ServiceConnection}-annotated {@link HiveMQContainer}
 * ({@code org.testcontainers:testcontainers-hivemq}).
 *
 * @author mqtt-spring-boot
 */
class HiveMqContainerConnectionDetailsFactory extends AbstractMqttContainerConnectionDetailsFactory<HiveMQContainer> {

	HiveMqContainerConnectionDetailsFactory() {
		super(Collections.singletonList(ANY_CONNECTION_NAME), "org.testcontainers.hivemq.HiveMQContainer");
	}

}
