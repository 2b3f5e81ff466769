/**
 * Auto-configuration of Micrometer observations for publishes and listeners.
 */
@NullMarked
package dev.mqttspring.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
