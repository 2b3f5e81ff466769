/**
 * The backend on Eclipse Paho (opt-in with {@code mqtt.client-library=paho}).
 */
@NullMarked
package dev.mqttspring.paho;

import org.jspecify.annotations.NullMarked;
