package dev.mqttspring.autoconfigure.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the MQTT health indicator, bound to
 * {@code management.health.mqtt.*}.
 *
 * @author mqtt-spring-boot
 */
@ConfigurationProperties("management.health.mqtt")
public class MqttHealthIndicatorProperties {

	/**
	 * Health status reported while connected and the broker refused at least one
	 * subscription: UP, OUT_OF_SERVICE, DOWN, or a custom status code.
	 */
	private String refusedSubscriptionStatus = "OUT_OF_SERVICE";

	public String getRefusedSubscriptionStatus() {
		return this.refusedSubscriptionStatus;
	}

	public void setRefusedSubscriptionStatus(String refusedSubscriptionStatus) {
		this.refusedSubscriptionStatus = refusedSubscriptionStatus;
	}

}
