package dev.mqttspring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code mqtt.client-library} selects a client library: the named one, or
 * without the property Paho when it is on the classpath and otherwise the HiveMQ client.
 * Whether the selected library is on the classpath is checked separately.
 */
abstract class MqttClientLibraryCondition extends SpringBootCondition {

	static final String PROPERTY = "mqtt.client-library";

	static final String PAHO_CLIENT = "org.eclipse.paho.mqttv5.client.MqttAsyncClient";

	static final String HIVEMQ_CLIENT = "com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient";

	private final MqttProperties.ClientLibrary library;

	MqttClientLibraryCondition(MqttProperties.ClientLibrary library) {
		this.library = library;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("MQTT client library " + this.library);
		String value = context.getEnvironment().getProperty(PROPERTY);
		if (StringUtils.hasText(value)) {
			boolean chosen = this.library.name().equalsIgnoreCase(value.trim());
			return new ConditionOutcome(chosen, message.because(PROPERTY + " is '" + value + "'"));
		}
		boolean pahoPresent = ClassUtils.isPresent(PAHO_CLIENT, context.getClassLoader());
		boolean chosen = (this.library == MqttProperties.ClientLibrary.PAHO) == pahoPresent;
		return new ConditionOutcome(chosen, message.because(PROPERTY + " is not set and Paho is "
				+ (pahoPresent ? "" : "not ") + "on the classpath"));
	}

	/**
	 * Paho is selected.
	 */
	static final class Paho extends MqttClientLibraryCondition {

		Paho() {
			super(MqttProperties.ClientLibrary.PAHO);
		}

	}

	/**
	 * The HiveMQ client is selected.
	 */
	static final class HiveMq extends MqttClientLibraryCondition {

		HiveMq() {
			super(MqttProperties.ClientLibrary.HIVEMQ);
		}

	}

}
