/**
 * Micrometer observations (tracing and timing) of listener invocations.
 */
@NullMarked
package dev.mqttspring.observation;

import org.jspecify.annotations.NullMarked;
