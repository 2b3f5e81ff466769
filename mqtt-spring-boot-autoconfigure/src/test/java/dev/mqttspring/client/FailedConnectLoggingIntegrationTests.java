package dev.mqttspring.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.paho.PahoConnections;
import dev.mqttspring.testsupport.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the broker cannot be reached, a connection that keeps trying logs each failed
 * attempt at DEBUG and only the start-up failure at WARN within the summary interval.
 */
class FailedConnectLoggingIntegrationTests {

	@ParameterizedTest
	@ValueSource(strings = { "paho", "hivemq" })
	void repeatedFailuresAreLoggedAtDebugAndReportedOnceAtWarn(String library) {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of("tcp://127.0.0.1:" + FreePorts.find()));
		settings.setClientId("failed-connect-log");
		settings.setReconnectMinDelay(Duration.ofMillis(20));
		settings.setReconnectMaxDelay(Duration.ofMillis(50));
		Function<MqttConnectionSettings, MqttConnection> factory = "hivemq".equals(library) ? HiveMqConnections::create
				: PahoConnections::create;
		MqttConnection connection = factory.apply(settings);
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger logger = context.getLogger("dev.mqttspring");
		Level previous = logger.getLevel();
		List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
		AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {

			@Override
			protected void append(ILoggingEvent event) {
				events.add(event);
			}

		};
		appender.setContext(context);
		appender.start();
		logger.setLevel(Level.DEBUG);
		logger.addAppender(appender);
		try {
			((SmartLifecycle) connection).start();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> events.stream()
					.filter((event) -> event.getFormattedMessage().startsWith("MQTT connect attempt "))
					.count() >= 10);
			List<String> warnings = events.stream()
				.filter((event) -> event.getLevel() == Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
			assertThat(warnings).singleElement().asString().contains("could not connect at start-up");
			assertThat(events).filteredOn((event) -> event.getLevel() == Level.DEBUG)
				.extracting(ILoggingEvent::getFormattedMessage)
				.anyMatch((message) -> message.startsWith("MQTT connect attempt 10 of 'failed-connect-log' failed: "));
		}
		finally {
			((SmartLifecycle) connection).stop();
			logger.detachAppender(appender);
			logger.setLevel(previous);
		}
	}

}
