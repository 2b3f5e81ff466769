package dev.mqttspring.sample;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.mqttspring.core.ReplyingMqttTemplate;

/**
 * {@code GET /sensors/{id}/status}: asks for a sensor's status over MQTT 5 request-reply
 * and answers with the reply, or {@code 504} when no reply arrives in time.
 *
 * @author mqtt-spring-boot
 */
@RestController
class SensorController {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ReplyingMqttTemplate mqtt;

	SensorController(ReplyingMqttTemplate mqtt) {
		this.mqtt = mqtt;
	}

	// the id becomes a topic level, so it must not contain '/', '+' or '#'
	@GetMapping("/sensors/{id:[\\w-]+}/status")
	CompletableFuture<ResponseEntity<SensorStatus>> status(@PathVariable String id) {
		return this.mqtt.request("sensors/" + id + "/status/get", "", SensorStatus.class, TIMEOUT)
			.thenApply(ResponseEntity::ok)
			.exceptionally((ex) -> ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).build());
	}

}
