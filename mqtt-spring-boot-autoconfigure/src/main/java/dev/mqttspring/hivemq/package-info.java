/**
 * The backend on the HiveMQ MQTT client (the default client library).
 */
@NullMarked
package dev.mqttspring.hivemq;

import org.jspecify.annotations.NullMarked;
