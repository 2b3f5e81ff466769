package dev.mqttspring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Container for repeated {@link MqttSubscribe @MqttSubscribe} annotations on one method;
 * each creates its own listener container.
 *
 * @author mqtt-spring-boot
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MqttSubscribes {

	/**
	 * The {@code @MqttSubscribe} annotations.
	 * @return the annotations
	 */
	MqttSubscribe[] value();

}
