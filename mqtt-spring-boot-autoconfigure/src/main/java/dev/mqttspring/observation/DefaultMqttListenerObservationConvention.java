package dev.mqttspring.observation;

import io.micrometer.common.KeyValues;

import dev.mqttspring.observation.MqttListenerObservation.HighCardinalityKeyNames;
import dev.mqttspring.observation.MqttListenerObservation.LowCardinalityKeyNames;

/**
 * Default {@link MqttListenerObservationConvention}: observation name
 * {@value #NAME}, span name {@code mqtt process}, the listener id, QoS and client id as
 * low cardinality keys and the topic only as a high cardinality key.
 *
 * @author mqtt-spring-boot
 */
public class DefaultMqttListenerObservationConvention implements MqttListenerObservationConvention {

	/**
	 * The observation name.
	 */
	public static final String NAME = "mqtt.listener.process";

	/**
	 * The shared instance.
	 */
	public static final DefaultMqttListenerObservationConvention INSTANCE = new DefaultMqttListenerObservationConvention();

	private static final String[] QOS = { "0", "1", "2" };

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MqttListenerObservationContext context) {
		return "mqtt process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MqttListenerObservationContext context) {
		int qos = context.getMessage().getQos();
		return KeyValues.of(LowCardinalityKeyNames.LISTENER_ID.withValue(context.getListenerId()),
				LowCardinalityKeyNames.QOS.withValue((qos >= 0 && qos < QOS.length) ? QOS[qos] : "unknown"),
				LowCardinalityKeyNames.CLIENT_ID.withValue(context.getClientId()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MqttListenerObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.TOPIC.withValue(context.getMessage().getTopic()));
	}

}
