package dev.mqttspring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.actuate.MqttEndpoint;
import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.annotation.TopicVariable;
import dev.mqttspring.autoconfigure.actuate.MqttEndpointAutoConfiguration;
import dev.mqttspring.autoconfigure.health.MqttHealthContributorAutoConfiguration;
import dev.mqttspring.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.metrics.MqttMetricsNames;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two named connections against two mosquitto processes: the default connection
 * ({@code mqtt.*}) on a plain "edge" broker with its own user, a {@code cloud} connection
 * on a TLS broker with another user and an SSL bundle of its own. Bridging both ways,
 * listener isolation, inherited keys, and an outage of one broker that leaves the other
 * connection up and delivering.
 */
class MqttNamedConnectionsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	static Path directory;

	private static MosquittoBroker edge;

	private static MosquittoBroker cloud;

	private static TestCertificates certificates;

	@BeforeAll
	static void startBrokers() {
		certificates = TestCertificates.generate(directory);
		edge = MosquittoBroker.builder().user("edge-user", "edge-secret").start();
		cloud = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.user("cloud-user", "cloud-secret")
			.start();
	}

	@AfterAll
	static void stopBrokers() {
		for (MosquittoBroker broker : new MosquittoBroker[] { edge, cloud }) {
			if (broker != null) {
				broker.close();
			}
		}
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
					MqttNamedConnectionsAutoConfiguration.class, MqttAutoConfiguration.class,
					MqttHealthContributorAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					MqttMetricsAutoConfiguration.class, MqttEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=mqtt")
			.withPropertyValues("mqtt.url=" + edge.url(), "mqtt.username=edge-user", "mqtt.password=edge-secret",
					"mqtt.version=3.1.1", "mqtt.reconnect-delay=100ms", "mqtt.max-reconnect-delay=300ms",
					"mqtt.fail-fast=true", "mqtt.connections.cloud.url=" + cloud.sslUrl(),
					"mqtt.connections.cloud.username=cloud-user", "mqtt.connections.cloud.password=cloud-secret",
					"mqtt.connections.cloud.ssl.bundle=cloud",
					"spring.ssl.bundle.pem.cloud.truststore.certificate=file:" + certificates.caCertificate());
	}

	@Test
	void bridgesBothWaysKeepsListenersApartAndSurvivesAnOutageOfOneBroker() {
		runner().withBean("bridge", Bridge.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection edgeConnection = context.getBean(MqttConnection.class);
			MqttConnection cloudConnection = context.getBean("cloudMqttConnection", MqttConnection.class);
			assertThat(edgeConnection.getConnectedServerUri()).isEqualTo(edge.url());
			assertThat(cloudConnection.getConnectedServerUri()).isEqualTo(cloud.sslUrl());
			assertThat(cloudConnection.getVersion()).as("inherited mqtt.version").isEqualTo(MqttVersion.V3_1_1);
			MqttTemplate edgeTemplate = context.getBean(MqttTemplate.class);
			MqttTemplate cloudTemplate = context.getBean("cloudMqttTemplate", MqttTemplate.class);
			Bridge bridge = context.getBean(Bridge.class);

			// edge -> cloud and cloud -> edge
			edgeTemplate.publish("readings/s1", "41.5").get();
			cloudTemplate.publish("commands/s1", "reset").get();
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(bridge.cloudAlerts).containsExactly("s1:41.5");
				assertThat(bridge.edgeCommands).containsExactly("s1:reset");
			});
			// each listener saw only its own broker's messages
			assertThat(bridge.edgeAlerts).isEmpty();
			assertThat(bridge.cloudReadings).isEmpty();

			// one health entry, meter set and endpoint entry per connection
			CompositeHealthContributor health = context.getBean("mqttHealthContributor",
					CompositeHealthContributor.class);
			assertThat(status(health, "default")).isEqualTo(Status.UP);
			assertThat(status(health, "cloud")).isEqualTo(Status.UP);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get(MqttMetricsNames.CLIENT_CONNECTED).tag("connection", "cloud").gauge().value())
				.isEqualTo(1);
			assertThat(meters.get(MqttMetricsNames.PUBLISH).tag("connection", "cloud").timer().count()).isPositive();
			assertThat(meters.get(MqttMetricsNames.PUBLISH)
				.tag("connection", "default")
				.tag("client.id", edgeConnection.getClientId())
				.timer()
				.count()).isPositive();
			assertThat(meters.get(MqttMetricsNames.LISTENER_RECEIVED)
				.tag("listener.id", "bridge.command")
				.tag("connection", "cloud")
				.tag("client.id", cloudConnection.getClientId())
				.functionCounter()
				.count()).isEqualTo(1);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(meters.get(MqttMetricsNames.LISTENER)
					.tag("listener.id", "bridge.cloudAlert")
					.tag("connection", "cloud")
					.timer()
					.count()).isEqualTo(1));
			MqttEndpoint.MqttDescriptor endpoint = context.getBean(MqttEndpoint.class).mqtt();
			assertThat(endpoint.connections()).containsOnlyKeys("default", "cloud");
			assertThat(endpoint.connections().get("cloud").listeners()).containsExactlyInAnyOrder("bridge.command",
					"bridge.cloudAlert", "bridge.cloudReading");
			assertThat(endpoint.connections().get("cloud").connection().url()).isEqualTo(cloud.sslUrl());
			assertThat(endpoint.listeners()).filteredOn((listener) -> listener.id().equals("bridge.reading"))
				.singleElement()
				.satisfies((listener) -> assertThat(listener.connection()).isEqualTo("default"));

			// the cloud broker goes away: the edge connection stays up and keeps delivering
			cloud.stop();
			await().atMost(WAIT).until(() -> cloudConnection.getState() != MqttConnectionState.CONNECTED);
			assertThat(status(health, "cloud")).isEqualTo(Status.DOWN);
			assertThat(status(health, "default")).isEqualTo(Status.UP);
			edgeTemplate.publish("readings/s2", "42.0").get();
			await().atMost(WAIT).untilAsserted(() -> assertThat(bridge.edgeReadings).contains("s2:42.0"));
			assertThat(edgeConnection.getState()).isEqualTo(MqttConnectionState.CONNECTED);

			// the alert bridged during the outage waits in the cloud connection's buffer
			cloud.start();
			await().atMost(WAIT).untilAsserted(() -> assertThat(bridge.cloudAlerts).contains("s2:42.0"));
			assertThat(cloudConnection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
			assertThat(edgeConnection.getReconnectCount()).isZero();
		});
	}

	@Test
	void wrongCredentialsOfOneConnectionLeaveTheOtherConnected() {
		runner().withPropertyValues("mqtt.fail-fast=false", "mqtt.connections.cloud.password=wrong")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MqttConnection edgeConnection = context.getBean(MqttConnection.class);
				MqttConnection cloudConnection = context.getBean("cloudMqttConnection", MqttConnection.class);
				await().atMost(WAIT).untilAsserted(() -> {
					assertThat(edgeConnection.getState()).isEqualTo(MqttConnectionState.CONNECTED);
					assertThat(cloudConnection.getLastFailure()).isNotNull();
				});
				assertThat(cloudConnection.getState()).isNotEqualTo(MqttConnectionState.CONNECTED);
				assertThat(cloudConnection.getLastFailure()).doesNotContain("wrong").doesNotContain("cloud-secret");
			});
	}

	private static Status status(CompositeHealthContributor health, String connection) {
		return ((HealthIndicator) health.getContributor(connection)).health().getStatus();
	}

	/**
	 * Readings from the edge become alerts in the cloud; commands from the cloud go to the
	 * devices at the edge. The recording listeners check that each broker only carries its
	 * own traffic.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Bridge {

		final List<String> cloudAlerts = new CopyOnWriteArrayList<>();

		final List<String> edgeAlerts = new CopyOnWriteArrayList<>();

		final List<String> edgeCommands = new CopyOnWriteArrayList<>();

		final List<String> edgeReadings = new CopyOnWriteArrayList<>();

		final List<String> cloudReadings = new CopyOnWriteArrayList<>();

		private final MqttTemplate edge;

		private final MqttTemplate cloud;

		Bridge(MqttTemplate edge, @Qualifier("cloud") MqttTemplate cloud) {
			this.edge = edge;
			this.cloud = cloud;
		}

		@MqttSubscribe("readings/{sensor}")
		void reading(@TopicVariable("sensor") String sensor, String value) {
			this.edgeReadings.add(sensor + ":" + value);
			this.cloud.publish("alerts/" + sensor, value);
		}

		@MqttSubscribe(topics = "commands/{sensor}", connection = "cloud")
		void command(@TopicVariable("sensor") String sensor, String command) {
			this.edge.publish("devices/" + sensor + "/commands", command);
		}

		@MqttSubscribe(topics = "alerts/{sensor}", connection = "cloud")
		void cloudAlert(@TopicVariable("sensor") String sensor, String value) {
			this.cloudAlerts.add(sensor + ":" + value);
		}

		@MqttSubscribe("devices/{sensor}/commands")
		void edgeCommand(@TopicVariable("sensor") String sensor, String command) {
			this.edgeCommands.add(sensor + ":" + command);
		}

		@MqttSubscribe("alerts/#")
		void edgeAlert(String value) {
			this.edgeAlerts.add(value);
		}

		@MqttSubscribe(topics = "readings/#", connection = "cloud")
		void cloudReading(String value) {
			this.cloudReadings.add(value);
		}

	}

}
