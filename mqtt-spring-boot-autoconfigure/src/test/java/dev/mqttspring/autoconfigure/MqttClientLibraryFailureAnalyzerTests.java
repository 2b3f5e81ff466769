package dev.mqttspring.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up failure report for an unknown or unavailable {@code mqtt.client-library}
 * names the property, the allowed values and the dependency to add, instead of "required
 * a bean of type MqttTemplate that could not be found".
 */
class MqttClientLibraryFailureAnalyzerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=tcp://127.0.0.1:1", "mqtt.automatic-reconnect=false");

	@Test
	void typoInTheClientLibrary() {
		this.runner.withPropertyValues("mqtt.client-library=hive").run((context) -> {
			FailureAnalysis analysis = StartupFailureAnalysis.of(context);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'mqtt.client-library'").contains("'hive'");
			assertThat(analysis.getDescription()).contains("'hivemq'").contains("'paho'");
		});
	}

	@Test
	void pahoChosenWithoutItsJars() {
		this.runner.withClassLoader(new FilteredClassLoader("org.eclipse.paho"))
			.withPropertyValues("mqtt.client-library=paho")
			.run((context) -> {
				FailureAnalysis analysis = StartupFailureAnalysis.of(context);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("'mqtt.client-library'").contains("'paho'");
				assertThat(analysis.getDescription()).contains("org.eclipse.paho:org.eclipse.paho.mqttv5.client")
					.contains("org.eclipse.paho:org.eclipse.paho.client.mqttv3");
			});
	}

	@Test
	void hiveMqChosenWithoutItsJar() {
		this.runner.withClassLoader(new FilteredClassLoader("com.hivemq.client"))
			.withPropertyValues("mqtt.client-library=hivemq")
			.run((context) -> {
				FailureAnalysis analysis = StartupFailureAnalysis.of(context);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("com.hivemq:hivemq-mqtt-client");
			});
	}

}
