package dev.mqttspring.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

import dev.mqttspring.actuate.MqttEndpoint.ListenerAction;
import dev.mqttspring.actuate.MqttEndpoint.ListenerDescriptor;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link MqttEndpoint} that
 * answers a write operation on an unknown listener id with {@code 404 Not Found} and a
 * message that lists the known ids.
 *
 * @author mqtt-spring-boot
 */
@EndpointWebExtension(endpoint = MqttEndpoint.class)
public class MqttEndpointWebExtension {

	private final MqttEndpoint delegate;

	/**
	 * Create a new extension.
	 * @param delegate the endpoint
	 */
	public MqttEndpointWebExtension(MqttEndpoint delegate) {
		Assert.notNull(delegate, "'delegate' must not be null");
		this.delegate = delegate;
	}

	/**
	 * Start or stop a listener.
	 * @param id the listener id
	 * @param action {@code start} or {@code stop}
	 * @return the listener after the action, or {@code 404} if there is no listener with
	 * that id
	 */
	@WriteOperation
	public WebEndpointResponse<?> changeListenerState(@Selector String id, ListenerAction action) {
		ListenerDescriptor listener = this.delegate.changeListenerState(id, action);
		if (listener == null) {
			return new WebEndpointResponse<>(notFound(id), WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(listener, WebEndpointResponse.STATUS_OK);
	}

	private Map<String, @Nullable Object> notFound(String id) {
		return Map.of("error", "No MQTT listener with id '" + id + "'; known listener ids: " + this.delegate.listenerIds(),
				"listeners", this.delegate.listenerIds());
	}

}
