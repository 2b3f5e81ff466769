package dev.mqttspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * {@link MqttListenerObserver} that records each listener invocation as a Micrometer
 * {@link Observation} in scope on the invoking thread. With Micrometer Tracing the
 * listener's span continues the trace whose context the publisher put into the message's
 * MQTT 5 user properties (W3C {@code traceparent} with the OpenTelemetry bridge), so one
 * trace spans publisher, broker and listener.
 *
 * @author mqtt-spring-boot
 */
public final class ObservationMqttListenerObserver implements MqttListenerObserver {

	private final ObservationRegistry registry;

	private final String clientId;

	private final @Nullable MqttListenerObservationConvention convention;

	/**
	 * Create a new observer.
	 * @param registry the observation registry
	 * @param clientId the client id
	 * @param convention a custom convention, or {@code null} for the default
	 */
	public ObservationMqttListenerObserver(ObservationRegistry registry, String clientId,
			@Nullable MqttListenerObservationConvention convention) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		this.registry = registry;
		this.clientId = clientId;
		this.convention = convention;
	}

	@Override
	public Handle start(String listenerId, MqttInboundMessage message) {
		if (this.registry.isNoop()) {
			return Handle.NOOP;
		}
		Observation observation = MqttListenerObservation.LISTENER
			.observation(this.convention, DefaultMqttListenerObservationConvention.INSTANCE,
					() -> new MqttListenerObservationContext(message, listenerId, this.clientId), this.registry)
			.start();
		Observation.Scope scope = observation.openScope();
		return (failure) -> {
			scope.close();
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		};
	}

}
