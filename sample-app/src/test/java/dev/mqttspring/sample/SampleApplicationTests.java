package dev.mqttspring.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttInboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.embedded.EmbeddedMqttBroker;
import dev.mqttspring.test.context.EmbeddedMqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the sample on an embedded broker: readings in, alerts, archive,
 * request-reply, online status and Actuator out. The simulator is off, so every reading
 * comes from the test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.simulator.enabled=false", "sample.alert-threshold=30" })
@EmbeddedMqtt
class SampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private MqttTemplate mqtt;

	@Autowired
	private MqttConnection connection;

	@Autowired
	private ReadingArchiver archiver;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	private RestClient http;

	private MqttSubscription subscription;

	private final BlockingQueue<MqttInboundMessage> received = new LinkedBlockingQueue<>();

	@BeforeEach
	void setUp() {
		this.http = RestClient.create("http://localhost:" + this.port);
	}

	@AfterEach
	void tearDown() {
		if (this.subscription != null) {
			this.connection.unsubscribe(this.subscription).join();
		}
	}

	@Test
	void usesTheEmbeddedBrokerOfTheTest(EmbeddedMqttBroker broker) {
		assertThat(this.connection.isConnected()).isTrue();
		assertThat(this.connection.getConnectedServerUri()).isEqualTo(broker.getUrl());
	}

	@Test
	void readingAboveTheThresholdRaisesAnAlert() throws Exception {
		subscribe("alerts/+");
		publish(new Reading("a1", 29.5, Instant.now()));
		publish(new Reading("a1", 31.5, Instant.now()));
		MqttInboundMessage alert = this.received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(alert).isNotNull();
		assertThat(alert.getTopic()).isEqualTo("alerts/a1");
		assertThat(text(alert)).contains("\"sensorId\":\"a1\"", "\"celsius\":31.5", "\"threshold\":30.0");
		// the monitor handles readings in order, so an alert for 29.5 would have come first
		assertThat(this.received).isEmpty();
		// the alert went out on the cloud connection (the broker may deliver it before the
		// publisher has its acknowledgement, which is when the timer records)
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.meters.find("mqtt.publish")
			.tag("connection", "cloud")
			.timers()).anySatisfy((timer) -> assertThat(timer.count()).isPositive()));
	}

	@Test
	void archiverReceivesReadingsThroughTheSharedSubscription() {
		long before = this.archiver.archivedCount();
		Reading reading = new Reading("b1", 21.0, Instant.now());
		publish(reading);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.archiver.latest()).contains(reading));
		assertThat(this.archiver.archivedCount()).isEqualTo(before + 1);
	}

	@Test
	void statusRequestIsAnsweredOverMqtt() {
		publish(new Reading("c1", 23.4, Instant.parse("2025-01-01T12:00:00Z")));
		await().atMost(TIMEOUT).untilAsserted(() -> {
			SensorStatus status = this.mqtt
				.request("sensors/c1/status/get", "", SensorStatus.class, Duration.ofSeconds(5))
				.get(6, TimeUnit.SECONDS);
			assertThat(status).isEqualTo(new SensorStatus("c1", true, 23.4, Instant.parse("2025-01-01T12:00:00Z"), false));
		});
	}

	@Test
	void statusEndpointAnswersWithTheReply() {
		publish(new Reading("d1", 35.0, Instant.now()));
		await().atMost(TIMEOUT).untilAsserted(() -> {
			Map<String, Object> status = getJson("/sensors/d1/status");
			assertThat(status).containsEntry("sensorId", "d1")
				.containsEntry("known", true)
				.containsEntry("celsius", 35.0)
				.containsEntry("alerting", true);
		});
		assertThat(getJson("/sensors/never-seen/status")).containsEntry("known", false);
	}

	@Test
	void statusTopicHoldsOnlineRetained() throws Exception {
		subscribe("status/sensor-sample");
		MqttInboundMessage status = this.received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(status).isNotNull();
		assertThat(status.isRetained()).isTrue();
		assertThat(text(status)).isEqualTo("online");
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthIsUpWithConnectionDetails() {
		Map<String, Object> health = getJson("/actuator/health");
		assertThat(health).containsEntry("status", "UP");
		Map<String, Object> mqtt = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("mqtt");
		assertThat(mqtt).containsEntry("status", "UP");
		// one entry per connection: the default (edge) one and 'cloud'
		Map<String, Object> connections = (Map<String, Object>) mqtt.get("components");
		assertThat(connections).containsOnlyKeys("default", "cloud");
		assertThat((Map<String, Object>) connections.get("cloud")).containsEntry("status", "UP");
		Map<String, Object> details = (Map<String, Object>) ((Map<String, Object>) connections.get("default"))
			.get("details");
		assertThat(details).containsEntry("state", "CONNECTED")
			.containsEntry("version", "5")
			.containsEntry("url", this.connection.getConnectedServerUri())
			.containsKeys("clientId", "brokerLimits", "subscriptions");
		assertThat((String) details.get("clientId")).startsWith("sensor-sample-");
	}

	@Test
	@SuppressWarnings("unchecked")
	void mqttEndpointListsTheListeners() {
		Map<String, Object> mqtt = getJson("/actuator/mqtt");
		List<Map<String, Object>> listeners = (List<Map<String, Object>>) mqtt.get("listeners");
		assertThat(listeners).extracting((listener) -> listener.get("id"))
			.containsExactlyInAnyOrder("temperature-monitor", "archiver", "status-responder");
		assertThat(listeners).filteredOn((listener) -> "archiver".equals(listener.get("id")))
			.singleElement()
			.satisfies((archiver) -> {
				assertThat(archiver).containsEntry("group", "archivers").containsEntry("running", true);
				assertThat((List<String>) archiver.get("filters")).containsExactly("$share/archivers/sensors/+/temperature");
			});
		Map<String, Object> connection = (Map<String, Object>) mqtt.get("connection");
		assertThat(connection).containsEntry("state", "CONNECTED");
	}

	@Test
	void metricsAreExposed() {
		publish(new Reading("e1", 20.0, Instant.now()));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(getJson("/actuator/metrics/mqtt.listener.processed"))
			.containsEntry("name", "mqtt.listener.processed"));
		assertThat(getJson("/actuator/metrics/mqtt.client.connected")).containsEntry("name", "mqtt.client.connected");
		assertThat(getJson("/actuator/metrics/mqtt.publish")).containsEntry("name", "mqtt.publish");
	}

	private void subscribe(String filter) {
		this.subscription = new MqttSubscription(filter, 1, (message) -> {
			this.received.add(message);
			message.acknowledge();
		}, "test");
		assertThat(this.connection.subscribe(this.subscription).join().isGranted()).isTrue();
	}

	private void publish(Reading reading) {
		this.mqtt.publish("sensors/" + reading.sensorId() + "/temperature", reading).join();
	}

	// fails with an AssertionError, not an exception, so that Awaitility retries
	private Map<String, Object> getJson(String path) {
		ResponseEntity<Map<String, Object>> response = this.http.get()
			.uri(path)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.onStatus((status) -> true, (request, ignored) -> {
			})
			.toEntity(JSON_OBJECT);
		assertThat(response.getStatusCode()).as("GET %s", path).isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	private static String text(MqttInboundMessage message) {
		return new String(message.getPayload(), StandardCharsets.UTF_8);
	}

}
