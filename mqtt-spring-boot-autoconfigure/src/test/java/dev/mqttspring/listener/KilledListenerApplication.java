package dev.mqttspring.listener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.awaitility.core.ConditionTimeoutException;

import org.springframework.context.ConfigurableApplicationContext;

import dev.mqttspring.core.MqttConnection;

import static org.awaitility.Awaitility.await;

/**
 * The application that MqttListenerRedeliveryTests kills: the listeners of
 * {@link MqttListenerRedeliveryTests.OrderListener}, which never finish the message
 * "in-progress", with every recorded event printed to standard output.
 * <p>
 * Arguments: broker URL, MQTT version, topic prefix, client id, persistence type,
 * persistence directory, client library.
 */
public final class KilledListenerApplication {

	static final String READY = "READY";

	private KilledListenerApplication() {
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
		ConfigurableApplicationContext context = MqttListenerRedeliveryTests.start(
				MqttListenerRedeliveryTests.runner(args[6], args[0], args[1], args[2], args[3], args[4],
						Path.of(args[5])),
				recorder, new CountDownLatch(1));
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
	}

}
