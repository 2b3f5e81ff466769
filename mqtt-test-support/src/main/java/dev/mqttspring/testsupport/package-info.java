/**
 * Helpers for the project's own tests: mosquitto processes on loopback ports, network faults
 * and TLS material.
 */
@NullMarked
package dev.mqttspring.testsupport;

import org.jspecify.annotations.NullMarked;
