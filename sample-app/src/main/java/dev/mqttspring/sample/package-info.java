/**
 * Temperature sensor sample application: simulated sensors publish readings, listeners
 * raise alerts and archive readings, and a responder answers MQTT 5 status requests.
 */
@NullMarked
package dev.mqttspring.sample;

import org.jspecify.annotations.NullMarked;
