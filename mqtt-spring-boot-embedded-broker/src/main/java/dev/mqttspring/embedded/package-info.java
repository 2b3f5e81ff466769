/**
 * An MQTT broker in the application's process (HiveMQ Community Edition) for development
 * and tests: the zero-set-up default of the sample application and {@code @EmbeddedMqtt}.
 */
@NullMarked
package dev.mqttspring.embedded;

import org.jspecify.annotations.NullMarked;
