package dev.mqttspring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documentation of the observation of listener invocations, created when
 * {@code mqtt.listener.observation-enabled=true}.
 *
 * @author mqtt-spring-boot
 */
public enum MqttListenerObservation implements ObservationDocumentation {

	/**
	 * The processing of one received message by a listener method.
	 */
	LISTENER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMqttListenerObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Low cardinality keys, also used as meter tags.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The listener id.
		 */
		LISTENER_ID {

			@Override
			public String asString() {
				return "mqtt.listener.id";
			}

		},

		/**
		 * The QoS the message was delivered with.
		 */
		QOS {

			@Override
			public String asString() {
				return "mqtt.qos";
			}

		},

		/**
		 * The client id.
		 */
		CLIENT_ID {

			@Override
			public String asString() {
				return "mqtt.client.id";
			}

		}

	}

	/**
	 * High cardinality keys, only on spans.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * The topic the message was published to.
		 */
		TOPIC {

			@Override
			public String asString() {
				return "mqtt.topic";
			}

		}

	}

}
