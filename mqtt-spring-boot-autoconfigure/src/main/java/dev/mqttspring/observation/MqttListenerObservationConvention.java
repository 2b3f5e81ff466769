package dev.mqttspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for listener invocations; define a bean to replace the
 * default names and key values.
 *
 * @author mqtt-spring-boot
 */
public interface MqttListenerObservationConvention extends ObservationConvention<MqttListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MqttListenerObservationContext;
	}

}
