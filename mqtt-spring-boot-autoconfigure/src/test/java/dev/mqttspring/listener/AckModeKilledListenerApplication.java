package dev.mqttspring.listener;

import java.time.Duration;

import org.awaitility.core.ConditionTimeoutException;

import org.springframework.context.ConfigurableApplicationContext;

import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;

import static org.awaitility.Awaitility.await;

/**
 * The application that {@link MqttListenerAckModeCrashTests} kills: a listener that
 * blocks on every message, with its events and the number of messages its container
 * received printed to standard output.
 * <p>
 * Arguments: broker URL, MQTT version, topic prefix, client id, client library,
 * acknowledgement mode.
 */
public final class AckModeKilledListenerApplication {

	static final String READY = "READY";

	private AckModeKilledListenerApplication() {
	}

	public static void main(String[] args) throws Exception {
		Recorder recorder = new Recorder() {

			@Override
			public void add(String key, Object value) {
				super.add(key, value);
				System.out.println("EVENT " + key + " " + value);
				System.out.flush();
			}

		};
		ConfigurableApplicationContext context = MqttListenerAckModeCrashTests
			.application(args[0], args[1], args[2], args[3], args[4], args[5], true)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("recorder", recorder))
			.run();
		MqttConnection connection = context.getBean(MqttConnection.class);
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> connection.getSubscriptions()
					.stream()
					.allMatch((state) -> state.result() != null && state.result().isGranted()));
		}
		catch (ConditionTimeoutException ex) {
			System.out.println("NOT SUBSCRIBED " + connection.getSubscriptions());
			System.exit(1);
		}
		System.out.println(READY);
		System.out.flush();
		MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class)
			.getListenerContainer(MqttListenerAckModeCrashTests.LISTENER_ID);
		long reported = 0;
		while (true) {
			long received = container.getReceivedCount();
			if (received != reported) {
				reported = received;
				System.out.println("RECEIVED " + received);
				System.out.flush();
			}
			Thread.sleep(20);
		}
	}

}
