/**
 * The managed connection shared by the client libraries: lifecycle, reconnects, the outbound
 * flow and the inbound dispatch (the backends live in {@code hivemq} and {@code paho}).
 */
@NullMarked
package dev.mqttspring.client;

import org.jspecify.annotations.NullMarked;
