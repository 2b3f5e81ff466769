package dev.mqttspring.hivemq;

import java.util.List;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttVersion;

/**
 * Creates {@link MqttConnection}s backed by the HiveMQ MQTT client
 * ({@code com.hivemq:hivemq-mqtt-client}). The returned connection is also a
 * {@link SmartLifecycle} that connects on start and disconnects on stop.
 * <p>
 * Unlike the Paho backend, incoming QoS 2 messages are acknowledged (PUBREC) only after
 * the listeners processed them, and the client keeps the QoS 2 state of a persistent
 * session across reconnects.
 *
 * @author mqtt-spring-boot
 */
public final class HiveMqConnections {

	/**
	 * The lifecycle phase of HiveMQ connections: after an embedded broker, before listener
	 * containers.
	 */
	public static final int PHASE = DefaultMqttConnection.PHASE;

	private HiveMqConnections() {
	}

	/**
	 * Create a connection for the settings (MQTT 5 or 3.1.1 as configured).
	 * @param settings the settings
	 * @return the connection, not yet started
	 */
	public static MqttConnection create(MqttConnectionSettings settings) {
		return create(settings, List.of());
	}

	/**
	 * Create a connection for the settings (MQTT 5 or 3.1.1 as configured) whose client
	 * builders the customizers adjust, in order, before each client is built.
	 * @param settings the settings
	 * @param customizers the client builder customizers
	 * @return the connection, not yet started
	 */
	public static MqttConnection create(MqttConnectionSettings settings,
			List<HiveMqClientBuilderCustomizer> customizers) {
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(customizers, "'customizers' must not be null");
		if (!settings.getApplicationProtocols().isEmpty()) {
			// set by an MqttConnectionCustomizer; the property is checked with the other settings
			throw new IllegalStateException("The HiveMQ MQTT client cannot offer the TLS application protocols (ALPN) "
					+ settings.getApplicationProtocols() + " of the connection settings (hivemq-mqtt-client #464); "
					+ "connect without them (AWS IoT Core: port 8883 with mutual TLS), or use the Paho client library "
					+ "(mqtt.client-library=paho) for this connection");
		}
		if (settings.getVersion() == MqttVersion.V5) {
			return new DefaultMqttConnection(settings,
					(callbacks) -> new HiveMqV5Adapter(settings, callbacks, customizers));
		}
		return new DefaultMqttConnection(settings, (callbacks) -> new HiveMqV3Adapter(settings, callbacks, customizers));
	}

}
