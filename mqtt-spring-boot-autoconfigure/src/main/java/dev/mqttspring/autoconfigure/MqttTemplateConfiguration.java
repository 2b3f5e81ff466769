package dev.mqttspring.autoconfigure;

import org.springframework.context.annotation.Configuration;

/**
 * Configuration for {@code MqttTemplate}, imported by {@link MqttAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class MqttTemplateConfiguration {

}
