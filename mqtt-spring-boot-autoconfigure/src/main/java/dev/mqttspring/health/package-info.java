/**
 * The health indicator of the MQTT connections.
 */
@NullMarked
package dev.mqttspring.health;

import org.jspecify.annotations.NullMarked;
