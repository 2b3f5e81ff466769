package dev.mqttspring.cloud;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.listener.DefaultMqttListenerContainer;

import static org.awaitility.Awaitility.await;

/**
 * The application of {@link HiveMqCloudAndEmqxCloudRecipeTests}, run in its own JVM started
 * with {@code -Djavax.net.ssl.trustStore} (the JVM reads its default trust store once):
 * for each case connects with user name and password and no SSL bundle, and prints
 * {@code CASE <name> RECEIVED} after a QoS 1 message went to the broker and back, or
 * {@code CASE <name> DOWN <health>} when the connection failed.
 */
public final class PublicCaApplication {

	static final String DONE = "PUBLIC-CA DONE";

	private PublicCaApplication() {
	}

	/**
	 * Arguments: one per case, {@code name|library|url|username|password}.
	 * @param args the cases
	 */
	public static void main(String[] args) {
		for (String argument : args) {
			String[] parts = argument.split("\\|", -1);
			try {
				run(parts[0], parts[1], parts[2], parts[3], parts[4]);
			}
			catch (Exception ex) {
				System.out.println("CASE " + parts[0] + " FAILED " + ex);
			}
		}
		System.out.println(DONE);
		System.exit(0);
	}

	private static void run(String name, String library, String url, String username, String password)
			throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MqttAutoConfiguration.class,
				MqttHealthContributorAutoConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.url=" + url, "mqtt.client-library=" + library, "mqtt.username=" + username,
					"mqtt.password=" + password, "mqtt.connection-timeout=5s", "mqtt.reconnect-delay=500ms",
					"spring.main.banner-mode=off", "logging.level.root=WARN")
			.run()) {
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> connection.isConnected() || connection.getLastFailure() != null);
			if (!connection.isConnected()) {
				Health health = context.getBean(dev.mqttspring.health.MqttHealthIndicator.class).health(true);
				System.out.println("CASE " + name + " DOWN " + health.getStatus() + " " + health.getDetails().get("error"));
				return;
			}
			String topic = "recipes/" + name;
			List<String> received = new CopyOnWriteArrayList<>();
			DefaultMqttListenerContainer container = CloudRecipes.listen(connection, List.of(topic), received::add);
			try {
				context.getBean(MqttTemplate.class).publish(topic, "hello".getBytes(StandardCharsets.UTF_8), 1, false)
					.get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello"));
				System.out.println("CASE " + name + " RECEIVED");
			}
			finally {
				container.stop();
			}
		}
	}

}
