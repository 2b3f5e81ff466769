/**
 * Spring Integration bridge on the starter's managed connection: an inbound channel
 * adapter that is a listener container of the {@code MqttListenerEndpointRegistry}, an
 * outbound message handler that publishes through {@code MqttOperations}, and the Java
 * DSL entry points in {@link dev.mqttspring.integration.MqttIntegration}. Needs
 * {@code spring-integration-core} (not {@code spring-integration-mqtt}).
 */
@NullMarked
package dev.mqttspring.integration;

import org.jspecify.annotations.NullMarked;
