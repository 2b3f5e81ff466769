package dev.mqttspring.autoconfigure.metrics;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

import dev.mqttspring.autoconfigure.MqttNamedConnections;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttListenerContainer;
import dev.mqttspring.metrics.MqttMetricsNames;

/**
 * The {@code client.id} and {@code connection} tags of a connection, a listener container
 * or a listener id.
 */
final class MqttConnectionTags {

	private final MqttConnection defaultConnection;

	private final ObjectProvider<MqttNamedConnections> namedConnections;

	private final Supplier<@Nullable MqttListenerEndpointRegistry> endpointRegistry;

	MqttConnectionTags(MqttConnection defaultConnection, ObjectProvider<MqttNamedConnections> namedConnections,
			Supplier<@Nullable MqttListenerEndpointRegistry> endpointRegistry) {
		this.defaultConnection = defaultConnection;
		this.namedConnections = namedConnections;
		this.endpointRegistry = endpointRegistry;
	}

	static Tags of(MqttConnection connection, String name) {
		return Tags.of(MqttMetricsNames.TAG_CLIENT_ID, connection.getClientId(), MqttMetricsNames.TAG_CONNECTION, name);
	}

	Tags forConnection(@Nullable MqttConnection connection) {
		if (connection == null || connection == this.defaultConnection) {
			return of(this.defaultConnection, MqttNamedConnections.DEFAULT);
		}
		MqttNamedConnections named = this.namedConnections.getIfAvailable();
		String name = (named != null) ? named.getName(connection) : null;
		return of(connection, (name != null) ? name : MqttNamedConnections.DEFAULT);
	}

	Tags forContainer(MqttListenerContainer container) {
		return forConnection((container instanceof DefaultMqttListenerContainer defaultContainer)
				? defaultContainer.getConnection() : null);
	}

	Tags forListener(String listenerId) {
		MqttListenerEndpointRegistry registry = this.endpointRegistry.get();
		MqttListenerContainer container = (registry != null) ? registry.getListenerContainer(listenerId) : null;
		return (container != null) ? forContainer(container) : forConnection(null);
	}

}
