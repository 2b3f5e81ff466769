package dev.mqttspring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

import dev.mqttspring.core.MqttTemplate;

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
