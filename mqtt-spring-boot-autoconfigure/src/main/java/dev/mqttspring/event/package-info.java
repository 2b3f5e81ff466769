/**
 * Application events for connections, subscriptions and failed deliveries.
 */
@NullMarked
package dev.mqttspring.event;

import org.jspecify.annotations.NullMarked;
