/**
 * Message headers ({@code MqttHeaders}) and payload converters shared by both directions.
 */
@NullMarked
package dev.mqttspring.support;

import org.jspecify.annotations.NullMarked;
