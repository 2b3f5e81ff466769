/**
 * Listener endpoints, their registrar and registry, and the container factory
 * ({@code @MqttSubscribe} methods and programmatic endpoints alike).
 */
@NullMarked
package dev.mqttspring.config;

import org.jspecify.annotations.NullMarked;
