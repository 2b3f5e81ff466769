/**
 * Test support for applications using the starter: {@link dev.mqttspring.test.context.EmbeddedMqtt}
 * starts an embedded MQTT broker for a Spring test context or a plain JUnit 5 class and
 * points the {@code mqtt.*} connections at it.
 */
@NullMarked
package dev.mqttspring.test.context;

import org.jspecify.annotations.NullMarked;
