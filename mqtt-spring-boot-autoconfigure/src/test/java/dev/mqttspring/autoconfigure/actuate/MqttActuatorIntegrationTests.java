package dev.mqttspring.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health, meters and the {@code mqtt} endpoint read over HTTP from a running web
 * application against real brokers: the system mosquitto on 127.0.0.1:1883 and mosquitto
 * processes the tests start, stop and restart.
 */
class MqttActuatorIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void healthIsDownWhileTheBrokerIsStoppedAndUpAgainAfterItsRestart() throws Exception {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				ConfigurableApplicationContext app = start(new Class<?>[] { ActuatorApp.class },
						"mqtt.url=" + broker.url())) {
			awaitHealth(app, 200, "UP");
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("mqtt.client.connected").gauge().value()).isEqualTo(1.0);
			broker.stop();
			JsonNode down = awaitHealth(app, 503, "DOWN");
			assertThat(down.at("/details/state").asString()).isIn("DISCONNECTED", "CONNECTING");
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(health(app).at("/details/error").asString())
					.contains("Could not connect to " + broker.url()));
			assertThat(meters.get("mqtt.client.connected").gauge().value()).isZero();
			broker.start();
			JsonNode up = awaitHealth(app, 200, "UP");
			assertThat(up.at("/details/url").asString()).isEqualTo(broker.url());
			assertThat(up.at("/details/reconnects").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(up.at("/details/error").isMissingNode()).isTrue();
			assertThat(meters.get("mqtt.client.connected").gauge().value()).isEqualTo(1.0);
			assertThat(meters.get("mqtt.client.reconnects").functionCounter().count()).isGreaterThanOrEqualTo(1.0);
		}
	}

	@Test
	void thePasswordNeverAppearsInHealthOrEndpointOutput() throws Exception {
		String password = "pw-" + UUID.randomUUID();
		String wrongPassword = "wrong-" + UUID.randomUUID();
		try (MosquittoBroker broker = MosquittoBroker.builder().user("alice", password).start()) {
			try (ConfigurableApplicationContext app = start(new Class<?>[] { ActuatorApp.class },
					"mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + password)) {
				awaitHealth(app, 200, "UP");
				assertThat(everything(app)).doesNotContain(password);
			}
			try (ConfigurableApplicationContext app = start(new Class<?>[] { ActuatorApp.class },
					"mqtt.url=" + broker.url(), "mqtt.username=alice", "mqtt.password=" + wrongPassword)) {
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(health(app).at("/details/error").asString())
						.containsAnyOf("bad user name or password", "not authorized"));
				assertThat(get(app, "/actuator/health/mqtt").statusCode()).isEqualTo(503);
				assertThat(everything(app)).doesNotContain(wrongPassword);
			}
		}
	}

	@Test
	void endpointShowsListenersAndStopsAndStartsThemById() throws Exception {
		String topic = "actuator-it/" + UUID.randomUUID();
		try (ConfigurableApplicationContext app = start(new Class<?>[] { ActuatorApp.class },
				"mqtt.url=tcp://127.0.0.1:1883", "test.topic=" + topic)) {
			String filter = topic + "/orders/#";
			JsonNode listener = awaitListener(app, "orders", true);
			assertThat(listener.at("/filters/0").asString()).isEqualTo(filter);
			assertThat(listener.at("/qos").asInt()).isEqualTo(1);
			assertThat(listener.at("/concurrency").asInt()).isEqualTo(2);
			assertThat(listener.at("/active").asInt()).isZero();
			JsonNode all = body(get(app, "/actuator/mqtt"));
			assertThat(all.at("/connection/state").asString()).isEqualTo("CONNECTED");
			assertThat(all.at("/connection/brokerLimits/maximumQos").asInt()).isEqualTo(2);
			assertThat(all.at("/listeners/0/id").asString()).isEqualTo("orders");
			MqttTemplate template = app.getBean(MqttTemplate.class);
			template.publish(topic + "/orders/1", "one").get(10, TimeUnit.SECONDS);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(body(get(app, "/actuator/mqtt/orders")).at("/processed").asLong())
					.isEqualTo(1));

			HttpResponse<String> stopped = post(app, "/actuator/mqtt/orders", "{\"action\":\"stop\"}");
			assertThat(stopped.statusCode()).isEqualTo(200);
			assertThat(body(stopped).at("/running").asBoolean()).isFalse();
			assertThat(subscribedFilters(app)).doesNotContain(filter);

			HttpResponse<String> started = post(app, "/actuator/mqtt/orders", "{\"action\":\"start\"}");
			assertThat(started.statusCode()).isEqualTo(200);
			assertThat(body(started).at("/running").asBoolean()).isTrue();
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(subscribedFilters(app)).contains(filter));
			template.publish(topic + "/orders/2", "two").get(10, TimeUnit.SECONDS);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(body(get(app, "/actuator/mqtt/orders")).at("/received").asLong())
					.isEqualTo(2));

			HttpResponse<String> unknown = post(app, "/actuator/mqtt/nope", "{\"action\":\"stop\"}");
			assertThat(unknown.statusCode()).isEqualTo(404);
			assertThat(unknown.body()).contains("No MQTT listener with id 'nope'").contains("orders");
			assertThat(get(app, "/actuator/mqtt/nope").statusCode()).isEqualTo(404);

			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(
						meters.get("mqtt.listener.processed").tag("listener.id", "orders").functionCounter().count())
					.isEqualTo(2.0));
			assertThat(meters.get("mqtt.listener.received").tag("listener.id", "orders").functionCounter().count())
				.isEqualTo(2.0);
			assertThat(meters.get("mqtt.listener.failed").tag("listener.id", "orders").functionCounter().count()).isZero();
			assertThat(meters.get("mqtt.listener.active").tag("listener.id", "orders").gauge().value()).isZero();
			assertThat(meters.get("mqtt.listener.queued").tag("listener.id", "orders").gauge().value()).isZero();
			assertThat(meters.get("mqtt.publish").tags("qos", "1", "outcome", "success").timer().count())
				.isGreaterThanOrEqualTo(2);
			assertThat(meters.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.noneMatch((tag) -> tag.getValue().contains(topic)));
		}
	}

	@Test
	void aRefusedSubscriptionMakesHealthOutOfService(@TempDir Path directory) throws Exception {
		Path plugin = Path.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so");
		Assumptions.assumeTrue(Files.isRegularFile(plugin), "mosquitto dynamic security plugin not installed");
		String topic = "acl-it/" + UUID.randomUUID();
		Path dynsec = directory.resolve("dynamic-security.json");
		Files.writeString(dynsec, """
				{"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
				 "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "deny-secret"}], "clients": []}],
				 "roles": [{"rolename": "deny-secret",
				            "acls": [{"acltype": "subscribeLiteral", "topic": "%s/secret/#", "priority": 0, "allow": false}]}],
				 "anonymousGroup": "anonymous"}
				""".formatted(topic));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		Files.setPosixFilePermissions(dynsec, PosixFilePermissions.fromString("rw-rw-rw-"));
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.config("plugin " + plugin)
			.config("plugin_opt_config_file " + dynsec)
			.start();
				ConfigurableApplicationContext app = start(new Class<?>[] { ActuatorApp.class, SecretListener.class },
						"mqtt.url=" + broker.url(), "test.topic=" + topic)) {
			JsonNode health = awaitHealth(app, 503, "OUT_OF_SERVICE");
			assertThat(health.at("/details/refusedSubscriptions/0/filter").asString()).isEqualTo(topic + "/secret/#");
			assertThat(health.at("/details/refusedSubscriptions/0/reasonCode").asString()).isEqualTo("0x87");
			assertThat(health.at("/details/refusedSubscriptions/0/reason").asString()).contains("not authorized");
			assertThat(health.at("/details/refusedSubscriptions/0/listeners/0").asString()).isEqualTo("secrets");
			assertThat(health.at("/details/subscriptions/0/filter").asString()).isEqualTo(topic + "/orders/#");
			assertThat(health.at("/details/subscriptions/0/grantedQos").asInt()).isEqualTo(1);
			JsonNode secrets = body(get(app, "/actuator/mqtt/secrets"));
			assertThat(secrets.at("/subscriptions/0/status").asString()).isEqualTo("refused");
		}
	}

	private ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.docker.compose.enabled=false", "spring.jmx.enabled=false",
				"management.endpoints.web.exposure.include=health,mqtt",
				"management.endpoint.health.show-details=always", "mqtt.reconnect-delay=100ms",
				"mqtt.max-reconnect-delay=500ms", "mqtt.connection-timeout=2s", "mqtt.client-id=actuator-it-" + UUID.randomUUID(),
				"test.topic=actuator-it/unused"));
		all.addAll(Arrays.asList(properties));
		return new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.properties(all.toArray(new String[0]))
			.run();
	}

	private JsonNode awaitHealth(ConfigurableApplicationContext app, int httpStatus, String status) {
		return await().atMost(TIMEOUT).until(() -> {
			HttpResponse<String> response = get(app, "/actuator/health/mqtt");
			JsonNode body = body(response);
			return (response.statusCode() == httpStatus && status.equals(body.at("/status").asString())) ? body : null;
		}, (body) -> body != null);
	}

	private JsonNode awaitListener(ConfigurableApplicationContext app, String id, boolean running) {
		return await().atMost(TIMEOUT).until(() -> {
			HttpResponse<String> response = get(app, "/actuator/mqtt/" + id);
			if (response.statusCode() != 200) {
				return null;
			}
			JsonNode body = body(response);
			return (body.at("/running").asBoolean() == running
					&& "granted".equals(body.at("/subscriptions/0/status").asString())) ? body : null;
		}, (body) -> body != null);
	}

	private List<String> subscribedFilters(ConfigurableApplicationContext app) throws Exception {
		List<String> filters = new ArrayList<>();
		for (JsonNode subscription : body(get(app, "/actuator/mqtt")).at("/connection/subscriptions")) {
			filters.add(subscription.at("/filter").asString());
		}
		return filters;
	}

	private JsonNode health(ConfigurableApplicationContext app) throws Exception {
		return body(get(app, "/actuator/health/mqtt"));
	}

	private String everything(ConfigurableApplicationContext app) throws Exception {
		return get(app, "/actuator/health").body() + get(app, "/actuator/mqtt").body();
	}

	private HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(app, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(ConfigurableApplicationContext app, String path, String content) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(app, path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(content))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext app, String path) {
		return URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
	}

	private static JsonNode body(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ActuatorApp {

		@Bean
		OrdersListener ordersListener() {
			return new OrdersListener();
		}

	}

	static class OrdersListener {

		@MqttSubscribe(id = "orders", topics = "${test.topic}/orders/#", qos = 1, concurrency = "2")
		void onOrder(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecretListener {

		@MqttSubscribe(id = "secrets", topics = "${test.topic}/secret/#", qos = 1)
		void onSecret(String payload) {
		}

	}

}
