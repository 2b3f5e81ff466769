/**
 * The application-facing API: {@code MqttTemplate} and {@code MqttOperations}, messages,
 * topics and QoS rules, credentials, and the connection contract.
 */
@NullMarked
package dev.mqttspring.core;

import org.jspecify.annotations.NullMarked;
