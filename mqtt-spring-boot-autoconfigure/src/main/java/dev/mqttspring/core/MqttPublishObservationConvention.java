package dev.mqttspring.core;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for the observation of {@link MqttTemplate} publishes;
 * a bean of this type replaces {@link DefaultMqttPublishObservationConvention}.
 *
 * @author mqtt-spring-boot
 */
public interface MqttPublishObservationConvention extends ObservationConvention<MqttPublishObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MqttPublishObservationContext;
	}

}
