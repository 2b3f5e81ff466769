package dev.mqttspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttPublishObserver;

/**
 * {@link MqttPublishObserver} that records each publish as a Micrometer
 * {@link Observation} ({@link MqttPublishObservation#PUBLISH}), for timers and tracing.
 *
 * @author mqtt-spring-boot
 */
public final class ObservationMqttPublishObserver implements MqttPublishObserver {

	private final ObservationRegistry registry;

	private final String clientId;

	private final @Nullable MqttPublishObservationConvention convention;

	/**
	 * Create a new observer.
	 * @param registry the observation registry
	 * @param clientId the client id of the connection
	 * @param convention a custom convention, or {@code null} for the default one
	 */
	public ObservationMqttPublishObserver(ObservationRegistry registry, String clientId,
			@Nullable MqttPublishObservationConvention convention) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(clientId, "'clientId' must not be null");
		this.registry = registry;
		this.clientId = clientId;
		this.convention = convention;
	}

	@Override
	public Handle start(MqttOutboundMessage message) {
		if (this.registry.isNoop()) {
			return Handle.NOOP;
		}
		MqttPublishObservationContext context = new MqttPublishObservationContext(message, this.clientId);
		Observation observation = MqttPublishObservation.PUBLISH
			.observation(this.convention, DefaultMqttPublishObservationConvention.INSTANCE, () -> context, this.registry)
			.start();
		MqttOutboundMessage propagated = context.getPropagatedMessage();
		return new Handle() {

			@Override
			public void stop(@Nullable Throwable failure) {
				if (failure != null) {
					observation.error(failure);
				}
				observation.stop();
			}

			@Override
			public MqttOutboundMessage message() {
				return (propagated != message) ? propagated : null;
			}

		};
	}

}
