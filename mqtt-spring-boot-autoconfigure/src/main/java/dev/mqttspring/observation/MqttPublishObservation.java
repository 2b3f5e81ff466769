package dev.mqttspring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

import dev.mqttspring.core.MqttTemplate;

/**
 * The Micrometer observation of {@link MqttTemplate} publishes.
 *
 * @author mqtt-spring-boot
 */
public enum MqttPublishObservation implements ObservationDocumentation {

	/**
	 * A publish, from hand-over to the connection until the broker acknowledged it.
	 */
	PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultMqttPublishObservationConvention.class;
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
	 * Low-cardinality keys.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * QoS of the message.
		 */
		QOS {

			@Override
			public String asString() {
				return "mqtt.qos";
			}

		},

		/**
		 * Whether the message is retained.
		 */
		RETAIN {

			@Override
			public String asString() {
				return "mqtt.retain";
			}

		},

		/**
		 * Client id of the connection.
		 */
		CLIENT_ID {

			@Override
			public String asString() {
				return "mqtt.client.id";
			}

		}

	}

	/**
	 * High-cardinality keys.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * Topic of the message.
		 */
		TOPIC {

			@Override
			public String asString() {
				return "mqtt.topic";
			}

		}

	}

}
