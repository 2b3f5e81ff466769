package dev.mqttspring.embedded;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;

import javax.management.ObjectName;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.Appender;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EmbeddedMqttBroker}.
 */
class EmbeddedMqttBrokerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static EmbeddedMqttBroker broker;

	private static Thread.UncaughtExceptionHandler uncaughtExceptionHandler;

	private static List<Appender<ILoggingEvent>> rootAppenders;

	private static List<TurboFilter> turboFilters;

	private static List<Handler> julRootHandlers;

	@BeforeAll
	static void startBroker() {
		uncaughtExceptionHandler = (thread, ex) -> {
		};
		Thread.setDefaultUncaughtExceptionHandler(uncaughtExceptionHandler);
		rootAppenders = rootAppenders();
		turboFilters = List.copyOf(loggerContext().getTurboFilterList());
		julRootHandlers = List.of(java.util.logging.Logger.getLogger("").getHandlers());
		broker = EmbeddedMqttBroker.builder().webSocketPort(EmbeddedMqttBroker.RANDOM_PORT).build();
		broker.start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.stop();
		}
		Thread.setDefaultUncaughtExceptionHandler(null);
	}

	@Test
	void startsOnRandomLoopbackPorts() {
		assertThat(broker.isRunning()).isTrue();
		assertThat(broker.getHost()).isEqualTo("127.0.0.1");
		assertThat(broker.getPort()).isPositive();
		assertThat(broker.getWebSocketPort()).isPositive().isNotEqualTo(broker.getPort());
		assertThat(broker.getUrl()).isEqualTo("tcp://127.0.0.1:" + broker.getPort());
		assertThat(broker.getWebSocketUrl()).isEqualTo("ws://127.0.0.1:" + broker.getWebSocketPort() + "/mqtt");
	}

	@Test
	void leavesJvmWideStateOfTheHostAlone() {
		assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(uncaughtExceptionHandler);
		assertThat(System.getProperties()).doesNotContainKeys("hivemq.log.folder", "guice_include_stack_traces",
				"hivemq.home");
		assertThat(rootAppenders()).containsExactlyElementsOf(rootAppenders);
		assertThat(loggerContext().getTurboFilterList()).containsExactlyElementsOf(turboFilters);
		assertThat(java.util.logging.Logger.getLogger("").getHandlers()).containsExactlyElementsOf(julRootHandlers);
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("usage-statistics"));
	}

	@Test
	void registersNoJmxMetrics() throws Exception {
		assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("metrics:*"), null)).isEmpty();
	}

	@Test
	void roundTripWithPahoV5() throws Exception {
		roundTripV5(broker.getUrl());
	}

	@Test
	void roundTripWithPahoV5OverWebSocket() throws Exception {
		roundTripV5(broker.getWebSocketUrl());
	}

	@Test
	void roundTripWithPahoV3() throws Exception {
		String topic = "embedded/v3/" + UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(
				broker.getUrl(), "v3-" + UUID.randomUUID(),
				new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
		try {
			org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
			options.setCleanSession(true);
			client.connect(options);
			client.subscribe(topic, 1,
					(t, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
			client.publish(topic, "hello v3".getBytes(StandardCharsets.UTF_8), 1, false);
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).containsExactly("hello v3"));
			client.disconnect();
		}
		finally {
			client.close(true);
		}
	}

	@Test
	void twoBrokersRunAtOnceIndependently() throws Exception {
		try (EmbeddedMqttBroker limited = EmbeddedMqttBroker.builder().maxQos(1).maxPacketSize(4096).build()) {
			limited.start();
			assertThat(limited.getPort()).isPositive().isNotIn(broker.getPort(), broker.getWebSocketPort());
			assertThat(broker.isRunning()).isTrue();
			assertThat(limited.isRunning()).isTrue();
			assertThatIllegalStateException().isThrownBy(limited::getWebSocketUrl).withMessageContaining("WebSocket");

			String topic = "embedded/two/" + UUID.randomUUID();
			List<String> receivedOnFirst = new CopyOnWriteArrayList<>();
			List<String> receivedOnSecond = new CopyOnWriteArrayList<>();
			org.eclipse.paho.mqttv5.client.MqttClient first = subscribedV5Client(broker.getUrl(), topic,
					receivedOnFirst);
			org.eclipse.paho.mqttv5.client.MqttClient second = subscribedV5Client(limited.getUrl(), topic,
					receivedOnSecond);
			try {
				MqttProperties connack = connackProperties(limited);
				assertThat(connack.getMaximumQoS()).isEqualTo(1);
				assertThat(connack.getMaximumPacketSize()).isEqualTo(4096L);

				second.publish(topic, new MqttMessage("to second".getBytes(StandardCharsets.UTF_8), 1, false, null));
				first.publish(topic, new MqttMessage("to first".getBytes(StandardCharsets.UTF_8), 1, false, null));
				await().atMost(TIMEOUT).untilAsserted(() -> {
					assertThat(receivedOnSecond).containsExactly("to second");
					assertThat(receivedOnFirst).containsExactly("to first");
				});
			}
			finally {
				closeQuietly(first);
				closeQuietly(second);
			}
		}
	}

	@Test
	void stopReleasesThePortIsIdempotentAndRestartKeepsThePort() throws Exception {
		EmbeddedMqttBroker restartable = new EmbeddedMqttBroker();
		assertThat(restartable.getPort()).isZero();
		assertThatIllegalStateException().isThrownBy(restartable::getUrl);
		try {
			restartable.start();
			int port = restartable.getPort();
			assertThat(port).isPositive();
			assertThat(restartable.getWebSocketPort()).isEqualTo(EmbeddedMqttBroker.WEBSOCKET_DISABLED);

			restartable.stop();
			assertThat(restartable.isRunning()).isFalse();
			assertThat(restartable.getPort()).isEqualTo(port);
			assertThat(canBind(port)).isTrue();
			restartable.stop();
			restartable.close();

			restartable.start();
			assertThat(restartable.isRunning()).isTrue();
			assertThat(restartable.getPort()).isEqualTo(port);
			assertThat(canBind(port)).isFalse();
			roundTripV5(restartable.getUrl());
		}
		finally {
			restartable.close();
		}
		assertThat(restartable.isRunning()).isFalse();
	}

	@Test
	void startFailsClearlyWhenThePortIsTaken() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			EmbeddedMqttBroker conflicting = EmbeddedMqttBroker.builder().port(taken.getLocalPort()).build();
			assertThatIllegalStateException().isThrownBy(conflicting::start)
				.withMessageContaining("could not bind")
				.withMessageContaining("127.0.0.1:" + taken.getLocalPort());
			assertThat(conflicting.isRunning()).isFalse();
			conflicting.stop();
		}
	}

	@Test
	void rejectsInvalidSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedMqttBroker.builder().host("192.0.2.1"))
			.withMessageContaining("loopback");
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedMqttBroker.builder().port(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedMqttBroker.builder().webSocketPort(65536));
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedMqttBroker.builder().maxQos(3));
		assertThatIllegalArgumentException().isThrownBy(() -> EmbeddedMqttBroker.builder().maxPacketSize(0));
		assertThatIllegalArgumentException().isThrownBy(() -> new EmbeddedMqttBroker(1883, 1883));
		assertThat(EmbeddedMqttBroker.builder().host("localhost").port(1883).build().getUrl())
			.isEqualTo("tcp://127.0.0.1:1883");
	}

	@Test
	void writesLoopbackInMemoryConfiguration() {
		EmbeddedMqttBroker configured = EmbeddedMqttBroker.builder()
			.maxQos(0)
			.maxPacketSize(1024)
			.retainedMessagesEnabled(false)
			.build();
		assertThat(configured.configXml(1883, 8000)).contains("<port>1883</port>")
			.contains("<port>8000</port>")
			.contains("<path>/mqtt</path>")
			.contains("<bind-address>127.0.0.1</bind-address>")
			.doesNotContain("0.0.0.0")
			.contains("<mode>in-memory</mode>")
			.contains("<max-qos>0</max-qos>")
			.contains("<max-packet-size>1024</max-packet-size>")
			.contains("<retained-messages>\n            <enabled>false</enabled>")
			.contains("<anonymous-usage-statistics>\n        <enabled>false</enabled>");
		assertThat(configured.configXml(1883, EmbeddedMqttBroker.WEBSOCKET_DISABLED))
			.doesNotContain("websocket-listener")
			.doesNotContain("<port>-1</port>");
	}

	private static void roundTripV5(String url) throws Exception {
		String topic = "embedded/v5/" + UUID.randomUUID();
		List<String> received = new CopyOnWriteArrayList<>();
		org.eclipse.paho.mqttv5.client.MqttClient client = subscribedV5Client(url, topic, received);
		try {
			client.publish(topic, new MqttMessage(("hello " + url).getBytes(StandardCharsets.UTF_8), 1, false, null));
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).containsExactly("hello " + url));
		}
		finally {
			closeQuietly(client);
		}
	}

	private static org.eclipse.paho.mqttv5.client.MqttClient subscribedV5Client(String url, String topic,
			List<String> received) throws MqttException {
		org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(url,
				"v5-" + UUID.randomUUID(), new MemoryPersistence());
		client.setCallback(new MqttCallback() {

			@Override
			public void disconnected(MqttDisconnectResponse response) {
			}

			@Override
			public void mqttErrorOccurred(MqttException exception) {
			}

			@Override
			public void messageArrived(String messageTopic, MqttMessage message) {
				received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
			}

			@Override
			public void deliveryComplete(IMqttToken token) {
			}

			@Override
			public void connectComplete(boolean reconnect, String serverUri) {
			}

			@Override
			public void authPacketArrived(int reasonCode, MqttProperties properties) {
			}

		});
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setCleanStart(true);
		options.setConnectionTimeout(10);
		client.connect(options);
		client.subscribe(topic, 1);
		return client;
	}

	private static MqttProperties connackProperties(EmbeddedMqttBroker target) throws MqttException {
		org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
				target.getUrl(), "v5-" + UUID.randomUUID(), new MemoryPersistence());
		try {
			IMqttToken token = client.connectWithResult(new MqttConnectionOptions());
			return token.getResponseProperties();
		}
		finally {
			closeQuietly(client);
		}
	}

	private static void closeQuietly(org.eclipse.paho.mqttv5.client.MqttClient client) {
		try {
			if (client.isConnected()) {
				client.disconnect();
			}
			client.close(true);
		}
		catch (MqttException ex) {
			// ignore
		}
	}

	private static boolean canBind(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static LoggerContext loggerContext() {
		return (LoggerContext) LoggerFactory.getILoggerFactory();
	}

	private static List<Appender<ILoggingEvent>> rootAppenders() {
		List<Appender<ILoggingEvent>> appenders = new CopyOnWriteArrayList<>();
		loggerContext().getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appenders::add);
		return appenders;
	}

}
