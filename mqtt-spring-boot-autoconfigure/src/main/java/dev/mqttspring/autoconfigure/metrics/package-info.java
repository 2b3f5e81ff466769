/**
 * Auto-configuration of the MQTT meters (connections, publishes, listeners).
 */
@NullMarked
package dev.mqttspring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
