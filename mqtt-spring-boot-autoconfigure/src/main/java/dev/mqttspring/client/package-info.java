/**
 * The managed connection shared by the client libraries ({@link dev.mqttspring.client.DefaultMqttConnection}:
 * lifecycle, reconnects, the outbound flow and the inbound dispatch) and the backend SPI it
 * is built over ({@link dev.mqttspring.client.MqttClientAdapter},
 * {@link dev.mqttspring.client.MqttClientCallbacks}); the adapters live in {@code hivemq}
 * and {@code paho}.
 */
@NullMarked
package dev.mqttspring.client;

import org.jspecify.annotations.NullMarked;
