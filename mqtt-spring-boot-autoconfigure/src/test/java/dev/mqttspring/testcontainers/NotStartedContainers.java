package dev.mqttspring.testcontainers;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.hivemq.HiveMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Containers that are never started: they report a fixed host and port mapping instead
 * of asking Docker, so that the connection details mapping can be tested without Docker.
 */
final class NotStartedContainers {

	private NotStartedContainers() {
	}

	static NotStartedGenericContainer generic(String image, String host, int mappedPort) {
		return new NotStartedGenericContainer(image, host, mappedPort);
	}

	static NotStartedHiveMqContainer hiveMq(String image, String host, int mappedPort) {
		return new NotStartedHiveMqContainer(image, host, mappedPort);
	}

	private static int mapped(int exposedPort, int mappedPort) {
		if (exposedPort != AbstractMqttContainerConnectionDetailsFactory.MQTT_PORT) {
			throw new IllegalArgumentException("Port " + exposedPort + " is not mapped");
		}
		return mappedPort;
	}

	static final class NotStartedGenericContainer extends GenericContainer<NotStartedGenericContainer> {

		private final String image;

		private final String host;

		private final int mappedPort;

		NotStartedGenericContainer(String image, String host, int mappedPort) {
			super(DockerImageName.parse(image));
			this.image = image;
			this.host = host;
			this.mappedPort = mappedPort;
		}

		@Override
		public String getDockerImageName() {
			return this.image;
		}

		@Override
		public String getHost() {
			return this.host;
		}

		@Override
		public Integer getMappedPort(int originalPort) {
			return mapped(originalPort, this.mappedPort);
		}

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

	}

	static final class NotStartedHiveMqContainer extends HiveMQContainer {

		private final String image;

		private final String host;

		private final int mappedPort;

		NotStartedHiveMqContainer(String image, String host, int mappedPort) {
			super(DockerImageName.parse(image));
			this.image = image;
			this.host = host;
			this.mappedPort = mappedPort;
		}

		@Override
		public String getDockerImageName() {
			return this.image;
		}

		@Override
		public String getHost() {
			return this.host;
		}

		@Override
		public Integer getMappedPort(int originalPort) {
			return mapped(originalPort, this.mappedPort);
		}

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

	}

}
