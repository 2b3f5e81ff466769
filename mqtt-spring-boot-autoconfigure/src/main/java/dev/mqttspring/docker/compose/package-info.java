/**
 * Service connections for MQTT brokers started by Spring Boot's Docker Compose support.
 */
@NullMarked
package dev.mqttspring.docker.compose;

import org.jspecify.annotations.NullMarked;
