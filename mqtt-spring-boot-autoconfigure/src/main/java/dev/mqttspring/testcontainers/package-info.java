/**
 * Service connections for MQTT broker containers started by Testcontainers.
 */
@NullMarked
package dev.mqttspring.testcontainers;

import org.jspecify.annotations.NullMarked;
