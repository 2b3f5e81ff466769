package dev.mqttspring.hivemq;

import com.hivemq.client.mqtt.MqttClientBuilder;

/**
 * Callback that adjusts the HiveMQ MQTT client's {@link MqttClientBuilder} after the
 * starter applied the {@code mqtt.*} settings (identifier, transport with TLS and
 * WebSocket, executor, disconnected listener) and before the client is built: the
 * HiveMQ counterpart of setting a socket factory for Eclipse Paho, for example to add a
 * proxy ({@code builder.transportConfig().proxyConfig()...applyTransportConfig()}), a
 * local address or Netty executor settings. Beans of this type are applied in order
 * ({@link org.springframework.core.annotation.Order @Order}), once per server URI of
 * {@code mqtt.url}, so that the client of every failover URI gets them.
 * <p>
 * Only the backend of {@code mqtt.client-library=hivemq} uses it; it keeps HiveMQ types
 * out of the starter's core API. The starter relies on what it set: replacing the
 * executor's application scheduler, adding automatic reconnect or replacing the
 * transport's server address breaks the connection's own reconnect and failover.
 *
 * @author mqtt-spring-boot
 */
@FunctionalInterface
public interface HiveMqClientBuilderCustomizer {

	/**
	 * Customize the builder of the client for one server URI.
	 * @param builder the builder, with the starter's settings applied
	 */
	void customize(MqttClientBuilder builder);

}
