/**
 * Micrometer observations (tracing and timing) of {@code MqttTemplate} publishes and of
 * listener invocations.
 */
@NullMarked
package dev.mqttspring.observation;

import org.jspecify.annotations.NullMarked;
