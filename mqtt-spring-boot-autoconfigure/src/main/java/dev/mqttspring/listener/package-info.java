/**
 * Listener containers: one per listener, with its queue, workers, acknowledgement and
 * error handling, and the adapter that invokes a listener method.
 */
@NullMarked
package dev.mqttspring.listener;

import org.jspecify.annotations.NullMarked;
