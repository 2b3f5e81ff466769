package dev.mqttspring.observation;

import io.micrometer.common.KeyValues;

import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.observation.MqttPublishObservation.HighCardinalityKeyNames;
import dev.mqttspring.observation.MqttPublishObservation.LowCardinalityKeyNames;

/**
 * Default {@link MqttPublishObservationConvention}: name {@value #NAME}, low-cardinality
 * keys QoS, retain and client id, the topic as a high-cardinality key.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttPublishObservationConvention implements MqttPublishObservationConvention {

	/**
	 * Name of the observation.
	 */
	public static final String NAME = "mqtt.template.publish";

	/**
	 * A shared instance.
	 */
	public static final DefaultMqttPublishObservationConvention INSTANCE = new DefaultMqttPublishObservationConvention();

	private static final String[] QOS = { "0", "1", "2" };

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MqttPublishObservationContext context) {
		return "mqtt publish";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttPublishObservationContext context) {
		MqttOutboundMessage message = context.getMessage();
		return KeyValues.of(LowCardinalityKeyNames.QOS.withValue(QOS[message.qos()]),
				LowCardinalityKeyNames.RETAIN.withValue(String.valueOf(message.retain())),
				LowCardinalityKeyNames.CLIENT_ID.withValue(context.getClientId()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttPublishObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.TOPIC.withValue(context.getMessage().topic()));
	}

}
