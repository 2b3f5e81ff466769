package dev.mqttspring.autoconfigure;

import org.springframework.context.annotation.Configuration;

/**
 * Configuration for {@code @MqttSubscribe} listeners, imported by
 * {@link MqttAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class MqttAnnotationDrivenConfiguration {

}
