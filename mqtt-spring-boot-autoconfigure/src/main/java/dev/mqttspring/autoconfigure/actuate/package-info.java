/**
 * Auto-configuration of the {@code mqtt} Actuator endpoint.
 */
@NullMarked
package dev.mqttspring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
