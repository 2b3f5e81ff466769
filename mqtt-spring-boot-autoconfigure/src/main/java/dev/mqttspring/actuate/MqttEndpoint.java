package dev.mqttspring.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.health.MqttUriSanitizer;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttListenerContainer;

/**
 * {@link Endpoint @Endpoint} that shows the MQTT connection (state, broker limits,
 * subscriptions) and every listener (id, filters, QoS, group, running, counts), and that
 * starts or stops a listener by id through the {@link MqttListenerEndpointRegistry}.
 * Credentials are never shown.
 *
 * @author mqtt-spring-boot
 */
@Endpoint(id = "mqtt")
public class MqttEndpoint {

	/**
	 * Name of the connection configured by {@code mqtt.*}.
	 */
	public static final String DEFAULT_CONNECTION = "default";

	private final MqttConnection connection;

	private final Supplier<Map<String, MqttConnection>> connections;

	private final @Nullable MqttListenerEndpointRegistry registry;

	/**
	 * Create a new endpoint.
	 * @param connection the connection
	 * @param registry the listener registry, or {@code null} when listeners are not used
	 */
	public MqttEndpoint(MqttConnection connection, @Nullable MqttListenerEndpointRegistry registry) {
		this(connection, () -> Map.of(DEFAULT_CONNECTION, connection), registry);
	}

	/**
	 * Create a new endpoint for several connections.
	 * @param connection the default connection
	 * @param connections all connections by name, the default one ({@code default})
	 * included, in the order to show them
	 * @param registry the listener registry, or {@code null} when listeners are not used
	 */
	public MqttEndpoint(MqttConnection connection, Supplier<Map<String, MqttConnection>> connections,
			@Nullable MqttListenerEndpointRegistry registry) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(connections, "'connections' must not be null");
		this.connection = connection;
		this.connections = connections;
		this.registry = registry;
	}

	/**
	 * Return the connection and all listeners.
	 * @return the descriptor
	 */
	@ReadOperation
	public MqttDescriptor mqtt() {
		Map<String, MqttConnection> connections = this.connections.get();
		List<ListenerDescriptor> listeners = new ArrayList<>();
		Map<String, List<String>> listenersByConnection = new LinkedHashMap<>();
		connections.keySet().forEach((name) -> listenersByConnection.put(name, new ArrayList<>()));
		if (this.registry != null) {
			for (MqttListenerContainer container : this.registry.getListenerContainers()) {
				ListenerDescriptor listener = ListenerDescriptor.of(container, connectionName(container, connections));
				listeners.add(listener);
				listenersByConnection.computeIfAbsent(listener.connection(), (name) -> new ArrayList<>()).add(listener.id());
			}
		}
		Map<String, NamedConnectionDescriptor> named = new LinkedHashMap<>();
		connections.forEach((name, connection) -> named.put(name,
				new NamedConnectionDescriptor(ConnectionDescriptor.of(connection), listenersByConnection.get(name))));
		return new MqttDescriptor(ConnectionDescriptor.of(this.connection), listeners, named);
	}

	private static String connectionName(MqttListenerContainer container, Map<String, MqttConnection> connections) {
		if (container instanceof DefaultMqttListenerContainer defaultContainer) {
			for (Map.Entry<String, MqttConnection> entry : connections.entrySet()) {
				if (entry.getValue() == defaultContainer.getConnection()) {
					return entry.getKey();
				}
			}
		}
		return DEFAULT_CONNECTION;
	}

	/**
	 * Return one listener.
	 * @param id the listener id
	 * @return the listener, or {@code null} if there is no listener with that id
	 */
	@ReadOperation
	public @Nullable ListenerDescriptor listener(@Selector String id) {
		MqttListenerContainer container = container(id);
		return (container != null) ? ListenerDescriptor.of(container, connectionName(container, this.connections.get()))
				: null;
	}

	/**
	 * Start or stop a listener: stopping unsubscribes it and lets in-flight work finish,
	 * starting subscribes it again.
	 * @param id the listener id
	 * @param action the action
	 * @return the listener after the action, or {@code null} if there is no listener with
	 * that id
	 */
	@WriteOperation
	public @Nullable ListenerDescriptor changeListenerState(@Selector String id, ListenerAction action) {
		MqttListenerContainer container = container(id);
		if (container == null) {
			return null;
		}
		Assert.notNull(action, "'action' must not be null");
		if (action == ListenerAction.STOP && container.isRunning()) {
			container.stop();
		}
		else if (action == ListenerAction.START && !container.isRunning()) {
			container.start();
		}
		return ListenerDescriptor.of(container, connectionName(container, this.connections.get()));
	}

	/**
	 * Return the ids of all listeners.
	 * @return the ids
	 */
	Set<String> listenerIds() {
		return (this.registry != null) ? this.registry.getListenerContainerIds() : Set.of();
	}

	private @Nullable MqttListenerContainer container(String id) {
		return (this.registry != null && id != null && !id.isBlank()) ? this.registry.getListenerContainer(id) : null;
	}

	/**
	 * What the write operation does with a listener.
	 */
	public enum ListenerAction {

		/**
		 * Subscribe the listener again and process messages.
		 */
		START,

		/**
		 * Unsubscribe the listener and let in-flight work finish.
		 */
		STOP

	}

	/**
	 * The connections and the listeners.
	 *
	 * @param connection the default connection
	 * @param listeners the listeners, in registration order
	 * @param connections every connection by name ({@code default} for the one of
	 * {@code mqtt.*}) with the ids of its listeners
	 */
	public record MqttDescriptor(ConnectionDescriptor connection, List<ListenerDescriptor> listeners,
			Map<String, NamedConnectionDescriptor> connections) implements OperationResponseBody {

	}

	/**
	 * A connection and the ids of the listeners on it.
	 *
	 * @param connection the connection
	 * @param listeners the ids of its listeners, in registration order
	 */
	public record NamedConnectionDescriptor(ConnectionDescriptor connection, List<String> listeners) {

	}

	/**
	 * The state of the connection.
	 *
	 * @param clientId the client id
	 * @param version the MQTT version
	 * @param state the state
	 * @param since when the state last changed
	 * @param url the server URL connected to, or {@code null}
	 * @param urls the configured server URLs, in failover order
	 * @param sessionPresent whether the broker resumed a session
	 * @param lastFailure the last connection failure in words, or {@code null}
	 * @param reconnects how many times the connection was re-established
	 * @param brokerLimits the limits the broker announced in its CONNACK, narrowed by
	 * configuration, or {@code null} when not connected
	 * @param subscriptions the registered topic filters with the broker's answers
	 */
	public record ConnectionDescriptor(String clientId, String version, String state, Instant since, @Nullable String url,
			List<String> urls, boolean sessionPresent, @Nullable String lastFailure, long reconnects,
			@Nullable MqttBrokerLimits brokerLimits, List<SubscriptionDescriptor> subscriptions) {

		static ConnectionDescriptor of(MqttConnection connection) {
			List<SubscriptionDescriptor> subscriptions = new ArrayList<>();
			for (SubscriptionState subscription : connection.getSubscriptions()) {
				subscriptions.add(SubscriptionDescriptor.of(subscription.filter(), subscription.requestedQos(),
						subscription.result(), subscription.owners()));
			}
			return new ConnectionDescriptor(connection.getClientId(), connection.getVersion().label(),
					connection.getState().name(), connection.getStateChangedAt(),
					MqttUriSanitizer.sanitize(connection.getConnectedServerUri()),
					MqttUriSanitizer.sanitize(connection.getServerUris()), connection.isSessionPresent(),
					MqttUriSanitizer.sanitize(connection.getLastFailure()), connection.getReconnectCount(),
					connection.isConnected() ? connection.getBrokerLimits() : null, subscriptions);
		}

	}

	/**
	 * A topic filter and the broker's answer to it.
	 *
	 * @param filter the topic filter
	 * @param requestedQos the requested QoS
	 * @param status {@code granted}, {@code refused} or {@code pending}
	 * @param grantedQos the granted QoS, or {@code null} unless granted
	 * @param reason the broker's answer in words, or {@code null} while pending
	 * @param listeners the ids of the listeners using it, empty for a listener's own
	 * results
	 */
	public record SubscriptionDescriptor(String filter, int requestedQos, String status, @Nullable Integer grantedQos,
			@Nullable String reason, List<String> listeners) {

		static SubscriptionDescriptor of(String filter, int requestedQos, @Nullable MqttSubscriptionResult result,
				List<String> listeners) {
			if (result == null) {
				return new SubscriptionDescriptor(filter, requestedQos, "pending", null, null, listeners);
			}
			return new SubscriptionDescriptor(filter, requestedQos, result.isGranted() ? "granted" : "refused",
					result.isGranted() ? result.grantedQos() : null, result.reason(), listeners);
		}

	}

	/**
	 * A listener.
	 *
	 * @param id the listener id
	 * @param filters the topic filters as subscribed
	 * @param qos the requested QoS
	 * @param group the shared subscription group, or {@code null}
	 * @param running whether the listener is running
	 * @param received how many messages were received
	 * @param processed how many messages were processed successfully
	 * @param failed how many messages failed after all attempts
	 * @param deadLettered how many failed messages were republished to the dead-letter
	 * topic
	 * @param queued how many received messages wait to be processed
	 * @param concurrency how many messages the listener may process at the same time (in
	 * order per ordering key)
	 * @param active how many messages the listener is processing now
	 * @param subscriptions the broker's answers for the filters
	 * @param connection the name of the connection the listener subscribes through
	 */
	public record ListenerDescriptor(String id, List<String> filters, int qos, @Nullable String group, boolean running,
			long received, long processed, long failed, long deadLettered, int queued, int concurrency, int active,
			List<SubscriptionDescriptor> subscriptions, String connection) implements OperationResponseBody {

		static ListenerDescriptor of(MqttListenerContainer container, String connection) {
			List<SubscriptionDescriptor> subscriptions = new ArrayList<>();
			for (MqttSubscriptionResult result : container.getSubscriptionResults()) {
				subscriptions.add(SubscriptionDescriptor.of(result.filter(), result.requestedQos(), result, List.of()));
			}
			return new ListenerDescriptor(container.getListenerId(), container.getTopicFilters(), container.getQos(),
					container.getGroup(), container.isRunning(), container.getReceivedCount(),
					container.getProcessedCount(), container.getFailedCount(), container.getDeadLetteredCount(),
					container.getQueueSize(), container.getConcurrency(), container.getActiveCount(), subscriptions,
					connection);
		}

	}

}
