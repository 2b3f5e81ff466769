/**
 * {@code @MqttSubscribe} and {@code @TopicVariable}, and the bean post-processor that turns
 * annotated methods into listener endpoints.
 */
@NullMarked
package dev.mqttspring.annotation;

import org.jspecify.annotations.NullMarked;
