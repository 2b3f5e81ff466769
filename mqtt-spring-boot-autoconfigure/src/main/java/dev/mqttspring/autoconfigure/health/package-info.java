/**
 * Auto-configuration of the {@code mqtt} health contributor.
 */
@NullMarked
package dev.mqttspring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
