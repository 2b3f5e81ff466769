/**
 * The parts the managed MQTT connection is composed of (reconnect scheduling, watchdogs,
 * outbound flow, subscription registry, inbound dispatch). Internal: not for applications;
 * names and signatures may change in any release.
 */
@NullMarked
package dev.mqttspring.client.internal;

import org.jspecify.annotations.NullMarked;
