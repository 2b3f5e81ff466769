/**
 * The {@code mqtt} Actuator endpoint: each connection and listener with its state, limits and counters.
 */
@NullMarked
package dev.mqttspring.actuate;

import org.jspecify.annotations.NullMarked;
