package dev.mqttspring.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.ReplyingMqttTemplate;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring tests for named connections ({@code mqtt.connections.<name>.*}): beans and
 * qualifiers, inheritance of {@code mqtt.*} keys, {@code @MqttSubscribe(connection)} and
 * the start-up errors. No broker: every connection points at a closed port without
 * automatic reconnect.
 */
class MqttNamedConnectionsAutoConfigurationTests {

	private static final String CLOSED_URL = "tcp://127.0.0.1:" + FreePorts.find();

	private static final String OTHER_CLOSED_URL = "tcp://127.0.0.1:" + FreePorts.find();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MqttNamedConnectionsAutoConfiguration.class,
				MqttAutoConfiguration.class))
		.withPropertyValues("mqtt.url=" + CLOSED_URL, "mqtt.automatic-reconnect=false", "mqtt.connection-timeout=2s");

	@Test
	void withoutNamedConnectionsNothingChanges() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(MqttNamedConnections.class)
				.hasSingleBean(MqttConnection.class)
				.hasSingleBean(MqttTemplate.class);
		});
	}

	@Test
	void namedConnectionHasItsBeansQualifiedWithItsNameAndInheritsUnsetKeys() {
		this.runner
			.withPropertyValues("mqtt.version=3.1.1", "mqtt.keep-alive=30s", "mqtt.template.qos=2",
					"mqtt.listener.queue-capacity=7", "mqtt.client-id=app", "mqtt.connections.cloud.url=" + OTHER_CLOSED_URL,
					"mqtt.connections.cloud.client-id=app-cloud", "mqtt.connections.cloud.template.qos=0",
					"mqtt.connections.edge-2.client-id=app-edge")
			.withUserConfiguration(QualifiedInjection.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection defaultConnection = context.getBean(MqttConnection.class);
				MqttConnection cloud = context.getBean("cloudMqttConnection", MqttConnection.class);
				assertThat(defaultConnection.getClientId()).isEqualTo("app");
				assertThat(defaultConnection.getServerUris()).containsExactly(CLOSED_URL);
				assertThat(cloud.getClientId()).isEqualTo("app-cloud");
				assertThat(cloud.getServerUris()).containsExactly(OTHER_CLOSED_URL);
				assertThat(cloud.getVersion()).isEqualTo(MqttVersion.V3_1_1);
				MqttConnection edge = context.getBean("edge-2MqttConnection", MqttConnection.class);
				assertThat(edge.getServerUris()).as("inherited mqtt.url").containsExactly(CLOSED_URL);
				assertThat(context.getBean(MqttTemplate.class).getConnection()).isSameAs(defaultConnection);
				assertThat(context.getBean(MqttTemplate.class).getDefaultQos()).isEqualTo(2);
				MqttTemplate cloudTemplate = context.getBean("cloudMqttTemplate", MqttTemplate.class);
				assertThat(cloudTemplate.getConnection()).isSameAs(cloud);
				assertThat(cloudTemplate.getDefaultQos()).isZero();
				assertThat(context.getBean("edge-2MqttTemplate", MqttTemplate.class).getDefaultQos()).isEqualTo(2);
				assertThat(context.getBean(ReplyingMqttTemplate.class).getTemplate())
					.isSameAs(context.getBean(MqttTemplate.class));
				ReplyingMqttTemplate cloudReplying = context.getBean("cloudReplyingMqttTemplate", ReplyingMqttTemplate.class);
				assertThat(cloudReplying.getTemplate()).isSameAs(cloudTemplate);
				assertThat(cloudReplying.getReplyTopic()).isEqualTo("app-cloud/replies");
				QualifiedInjection injected = context.getBean(QualifiedInjection.class);
				assertThat(injected.template).isSameAs(context.getBean(MqttTemplate.class));
				assertThat(injected.cloudTemplate).isSameAs(cloudTemplate);
				assertThat(injected.cloudConnection).isSameAs(cloud);
				MqttNamedConnections connections = context.getBean(MqttNamedConnections.class);
				assertThat(connections.getNames()).containsExactly("cloud", "edge-2");
				assertThat(connections.getConnections()).containsOnlyKeys("default", "cloud", "edge-2");
				MqttProperties cloudProperties = connections.getProperties("cloud");
				assertThat(cloudProperties.getKeepAlive()).isEqualTo(Duration.ofSeconds(30));
				assertThat(cloudProperties.getListener().getQueueCapacity()).isEqualTo(7);
				assertThat(context.getBean(MqttProperties.class).getTemplate().getQos()).isEqualTo(2);
			});
	}

	@Test
	void inheritedOutboxDirectoryGetsASubDirectoryPerConnection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path outbox) {
		this.runner
			.withPropertyValues("mqtt.outbox.enabled=true", "mqtt.outbox.directory=" + outbox,
					"mqtt.connections.cloud.client-id=cloud-outbox", "mqtt.connections.edge.client-id=edge-outbox",
					"mqtt.connections.edge.outbox.directory=" + outbox.resolve("own"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttNamedConnections connections = context.getBean(MqttNamedConnections.class);
				assertThat(connections.getProperties("cloud").getOutbox().getDirectory()).isEqualTo(outbox.resolve("cloud"));
				assertThat(connections.getProperties("edge").getOutbox().getDirectory()).isEqualTo(outbox.resolve("own"));
				assertThat(context.getBean(MqttProperties.class).getOutbox().getDirectory()).isEqualTo(outbox);
				assertThat(context.getBean("cloudMqttConnection", MqttConnection.class).isOutboxEnabled()).isTrue();
			});
	}

	@Test
	void emptyValueClearsAnInheritedOne() {
		this.runner
			.withPropertyValues("mqtt.username=edge", "mqtt.password=edge-secret", "mqtt.connections.cloud.username=",
					"mqtt.connections.cloud.password=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttProperties cloud = context.getBean(MqttNamedConnections.class).getProperties("cloud");
				assertThat(cloud.getUsername()).isNull();
				assertThat(cloud.getPassword()).isNull();
				assertThat(context.getBean(MqttProperties.class).getUsername()).isEqualTo("edge");
			});
	}

	@Test
	void subscribeRoutesListenersToTheirConnection() {
		this.runner.withPropertyValues("mqtt.connections.cloud.url=" + OTHER_CLOSED_URL)
			.withUserConfiguration(Listeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				assertThat(connectionOf(registry, "onDefault")).isSameAs(context.getBean(MqttConnection.class));
				assertThat(connectionOf(registry, "onDefaultByName")).isSameAs(context.getBean(MqttConnection.class));
				assertThat(connectionOf(registry, "onCloud"))
					.isSameAs(context.getBean("cloudMqttConnection", MqttConnection.class));
				assertThat(context.getBean("cloudMqttListenerContainerFactory"))
					.isInstanceOf(DefaultMqttListenerContainerFactory.class);
			});
	}

	@Test
	void unknownConnectionInSubscribeFailsNamingMethodNameAndKnownConnections() {
		this.runner.withPropertyValues("mqtt.connections.cloud.url=" + OTHER_CLOSED_URL)
			.withUserConfiguration(UnknownConnectionListener.class)
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.hasMessageContaining(UnknownConnectionListener.class.getName() + ".onMessage")
				.hasMessageContaining("'clowd'")
				.hasMessageContaining("[default, cloud]")
				.hasMessageContaining("mqtt.connections.clowd.url"));
	}

	@Test
	void unknownConnectionWithoutNamedConnectionsFails() {
		this.runner.withUserConfiguration(UnknownConnectionListener.class)
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.hasMessageContaining("'clowd'")
				.hasMessageContaining("[default]"));
	}

	@Test
	void connectionNamedDefaultFails() {
		this.runner.withPropertyValues("mqtt.connections.default.url=" + OTHER_CLOSED_URL)
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property mqtt.connections.default ")
				.hasMessageContaining("'default' is the connection of mqtt.*"));
	}

	@Test
	void malformedConnectionNameFails() {
		this.runner.withPropertyValues("mqtt.connections[cloud_1].url=" + OTHER_CLOSED_URL)
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("cloud_1")
				.hasMessageContaining("lowercase letters, digits and '-'"));
	}

	@Test
	void inheritedClientIdFails() {
		this.runner.withPropertyValues("mqtt.client-id=app", "mqtt.connections.cloud.url=" + OTHER_CLOSED_URL)
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property mqtt.connections.cloud.client-id ")
				.hasMessageContaining("connection 'default' already uses this client id")
				.hasMessageContaining("'app-cloud'"));
	}

	@Test
	void equalClientIdsOfTwoNamedConnectionsFail() {
		this.runner
			.withPropertyValues("mqtt.connections.edge.client-id=same", "mqtt.connections.cloud.client-id=same")
			.run((context) -> {
				assertThat(rootCause(context.getStartupFailure())).isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("Property mqtt.connections.cloud.client-id ")
					.hasMessageContaining("connection 'edge' already uses this client id");
				FailureAnalysis analysis = StartupFailureAnalysis.of(context);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("mqtt.connections.cloud.client-id").contains("'same'");
			});
	}

	@Test
	void invalidValueOfNamedConnectionNamesItsProperty() {
		this.runner.withPropertyValues("mqtt.connections.cloud.keep-alive=100000")
			.run((context) -> assertThat(rootCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property mqtt.connections.cloud.keep-alive ")
				.hasMessageContaining("connection 'cloud'"));
	}

	@Test
	void applicationDetailsReplaceThoseOfANamedConnectionOnly() {
		this.runner.withPropertyValues("mqtt.connections.cloud.client-id=cloud")
			.withUserConfiguration(CloudDetails.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(MqttConnection.class).getServerUris()).containsExactly(CLOSED_URL);
				assertThat(context.getBean("cloudMqttConnection", MqttConnection.class).getServerUris())
					.containsExactly(OTHER_CLOSED_URL);
			});
	}

	private static Throwable rootCause(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static MqttConnection connectionOf(MqttListenerEndpointRegistry registry, String method) {
		return registry.getListenerContainers()
			.stream()
			.filter((container) -> container.getListenerId().endsWith("." + method))
			.map((container) -> ((DefaultMqttListenerContainer) container).getConnection())
			.findFirst()
			.orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedInjection {

		final MqttTemplate template;

		final MqttTemplate cloudTemplate;

		final MqttConnection cloudConnection;

		QualifiedInjection(MqttTemplate template, @Qualifier("cloud") MqttTemplate cloudTemplate,
				@Qualifier("cloud") MqttConnection cloudConnection, List<MqttTemplate> all) {
			this.template = template;
			this.cloudTemplate = cloudTemplate;
			this.cloudConnection = cloudConnection;
			assertThat(all).as("only the default template is a default candidate").containsExactly(template);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@MqttSubscribe("a/default")
		void onDefault(String payload) {
		}

		@MqttSubscribe(topics = "a/default-by-name", connection = "default")
		void onDefaultByName(String payload) {
		}

		@MqttSubscribe(topics = "a/cloud", connection = "${cloud.name:cloud}")
		void onCloud(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownConnectionListener {

		@MqttSubscribe(topics = "a/b", connection = "clowd")
		void onMessage(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CloudDetails {

		@Bean
		MqttConnectionDetails cloudMqttConnectionDetails() {
			return () -> List.of(OTHER_CLOSED_URL);
		}

	}

}
