/**
 * The parts the managed MQTT connection is composed of: connection status and listeners,
 * connect attempts, reconnect loop and scheduling, watchdogs, credential renewal, the
 * current client, outbound flow, subscribe calls, subscription registry, inbound intake
 * and dispatch. Internal: not for applications; names and signatures may change in any
 * release.
 */
@NullMarked
package dev.mqttspring.client.internal;

import org.jspecify.annotations.NullMarked;
