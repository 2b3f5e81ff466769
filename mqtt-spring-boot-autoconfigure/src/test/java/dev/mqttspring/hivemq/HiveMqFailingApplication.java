package dev.mqttspring.hivemq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;

/**
 * An application on the HiveMQ client library, run in its own JVM by
 * {@link HiveMqThreadReleaseTests}: it starts, fails or closes its context, prints what
 * happened and returns from {@code main} without {@code System.exit}, so that the JVM ends
 * only if no non-daemon thread is left.
 * <p>
 * Arguments: {@code mqtt.*} properties as {@code name=value}.
 */
public final class HiveMqFailingApplication {

	static final String FAILED = "START-UP FAILED";

	static final String CLOSED = "CONTEXT CLOSED";

	private HiveMqFailingApplication() {
	}

	public static void main(String[] args) {
		List<String> properties = new ArrayList<>(Arrays.asList(args));
		properties.add("mqtt.client-library=hivemq");
		SpringApplicationBuilder builder = new SpringApplicationBuilder(JacksonAutoConfiguration.class,
				SslAutoConfiguration.class, MqttAutoConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(new String[0]));
		ConfigurableApplicationContext context;
		try {
			context = builder.run();
		}
		catch (RuntimeException ex) {
			System.out.println(FAILED);
			System.out.flush();
			return;
		}
		context.close();
		System.out.println(CLOSED);
		System.out.flush();
	}

}
