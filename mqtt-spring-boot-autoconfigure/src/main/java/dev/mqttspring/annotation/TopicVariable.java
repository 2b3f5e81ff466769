package dev.mqttspring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a listener method parameter to a {@code {name}} level of the
 * {@link MqttSubscribe @MqttSubscribe} topic: with {@code sensors/{id}/temperature}, a
 * message on {@code sensors/42/temperature} binds {@code "42"} to
 * {@code @TopicVariable("id")}. The value is converted to the parameter type.
 *
 * @author mqtt-spring-boot
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicVariable {

	/**
	 * The variable name; defaults to the parameter name.
	 * @return the name
	 */
	String value() default "";

	/**
	 * Whether the variable must be present in the topic template.
	 * @return whether required
	 */
	boolean required() default true;

}
