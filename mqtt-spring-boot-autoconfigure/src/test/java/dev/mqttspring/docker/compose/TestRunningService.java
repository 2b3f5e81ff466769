package dev.mqttspring.docker.compose;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;

import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.core.env.Environment;
import org.springframework.util.ReflectionUtils;

/**
 * A {@link RunningService} stub standing in for a Docker Compose service, so that the
 * connection details mapping can be tested without Docker.
 *
 * @param name the service name
 * @param image the image reference
 * @param host the host
 * @param ports the container port to host port mapping
 * @param env the container environment
 * @param labels the container labels
 */
record TestRunningService(String name, ImageReference image, String host, ConnectionPorts ports,
		Map<String, String> env, Map<String, String> labels) implements RunningService {

	static TestRunningService of(String image, String host, int containerPort, int hostPort) {
		return of(image, host, containerPort, hostPort, Map.of());
	}

	static TestRunningService of(String image, String host, int containerPort, int hostPort,
			Map<String, String> labels) {
		return new TestRunningService("broker", ImageReference.of(image), host, new Ports(containerPort, hostPort),
				Map.of(), labels);
	}

	/**
	 * Create the source Spring Boot hands to the factories; its constructor is package
	 * private in Spring Boot.
	 * @param environment the application environment
	 * @return the source
	 */
	DockerComposeConnectionSource toSource(Environment environment) {
		try {
			Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
				.getDeclaredConstructor(RunningService.class, Environment.class);
			ReflectionUtils.makeAccessible(constructor);
			return constructor.newInstance(this, environment);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Spring Boot's DockerComposeConnectionSource changed", ex);
		}
	}

	private record Ports(int containerPort, int hostPort) implements ConnectionPorts {

		@Override
		public int get(int containerPort) {
			if (containerPort != this.containerPort) {
				throw new IllegalStateException("No host port mapping found for container port " + containerPort);
			}
			return this.hostPort;
		}

		@Override
		public List<Integer> getAll() {
			return List.of(this.hostPort);
		}

		@Override
		public List<Integer> getAll(String protocol) {
			return "tcp".equals(protocol) ? getAll() : List.of();
		}

	}

}
