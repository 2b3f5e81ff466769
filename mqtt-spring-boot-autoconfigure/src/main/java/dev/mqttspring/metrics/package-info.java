/**
 * Micrometer meters of connections, publishes and listeners.
 */
@NullMarked
package dev.mqttspring.metrics;

import org.jspecify.annotations.NullMarked;
