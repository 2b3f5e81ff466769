package dev.mqttspring.hivemq;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads which subscriptions an incoming MQTT 5 PUBLISH was sent for, from the HiveMQ MQTT
 * client's internals: its public {@code Mqtt5Publish} does not expose the subscription
 * identifiers (hivemq-mqtt-client#596), and the client numbers its subscriptions itself.
 * <p>
 * A publish received through a flow with manual acknowledgement carries its
 * {@code MqttIncomingPublishConfirmable}, which leads to the decoded
 * {@code MqttStatefulPublish} (the identifiers) and to the client's
 * {@code MqttIncomingPublishFlows} (which filter each identifier was subscribed with).
 * Brokers that send one copy per matching subscription (mosquitto) tell the copies apart
 * only by these identifiers. When a client version changes these internals, the reader
 * reports itself unavailable and the connection matches topics against its filters as
 * before; {@code HiveMqSubscriptionIdentifiersTests} pins the contract for the version
 * the build uses.
 * <p>
 * Must be called on the client's event loop (where the flow delivers publishes with the
 * direct application scheduler): the client's subscription tree is not thread-safe.
 */
final class HiveMqSubscriptionIdentifiers {

	private static final Log logger = LogFactory.getLog(HiveMqSubscriptionIdentifiers.class);

	private static final String INTERNAL = "com.hivemq.client.internal.mqtt.";

	private static final @Nullable Internals INTERNALS = Internals.resolve();

	private volatile Cache cache = new Cache(new Object(), Map.of());

	/**
	 * Return whether the client's internals could be read with this client version.
	 * @return whether identifiers can be read
	 */
	static boolean isAvailable() {
		return INTERNALS != null;
	}

	/**
	 * Return the filters that the copy of a publish was sent for, as subscribed through the
	 * client, or {@code null} when that cannot be told (no identifiers, unknown identifier,
	 * internals not readable).
	 * @param publish the publish as delivered by the client
	 * @return the filters or {@code null}
	 */
	@Nullable List<String> filters(Object publish) {
		Internals internals = INTERNALS;
		if (internals == null) {
			return null;
		}
		try {
			Object confirmable = internals.confirmable.invoke(publish);
			if (confirmable == null || !internals.confirmableType.isInstance(confirmable)) {
				return null;
			}
			Object withFlows = internals.publishWithFlows.invoke(confirmable);
			Object stateful = internals.statefulPublish.invoke(withFlows);
			Object ids = internals.subscriptionIdentifiers.invoke(stateful);
			int size = (int) internals.size.invoke(ids);
			if (size == 0) {
				return null;
			}
			// the flows identify the client: each client (one per server URI) numbers its own
			Object flows = internals.incomingPublishFlows
				.invoke(internals.incomingPublishService.invoke(internals.flow.invoke(confirmable)));
			Cache current = this.cache;
			List<String> filters = new ArrayList<>(size);
			for (int i = 0; i < size; i++) {
				int id = (int) internals.get.invoke(ids, i);
				String filter = (current.flows == flows) ? current.filter(id) : null;
				if (filter == null) {
					current = refresh(internals, flows);
					filter = current.filter(id);
					if (filter == null) {
						return null;
					}
				}
				filters.add(filter);
			}
			return filters;
		}
		catch (Throwable ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Could not read the subscription identifiers of an incoming publish: " + ex);
			}
			return null;
		}
	}

	private Cache refresh(Internals internals, Object flows) throws Throwable {
		Map<?, ?> subscriptions = (Map<?, ?>) internals.subscriptions.invoke(flows);
		Map<Integer, String> byId = new HashMap<>();
		for (Map.Entry<?, ?> entry : subscriptions.entrySet()) {
			for (Object subscription : (Collection<?>) entry.getValue()) {
				byId.put((Integer) entry.getKey(), String.valueOf(internals.topicFilter.invoke(subscription)));
			}
		}
		Cache cache = new Cache(flows, byId);
		this.cache = cache;
		return cache;
	}

	private record Cache(Object flows, Map<Integer, String> byId) {

		@Nullable String filter(int id) {
			return this.byId.get(id);
		}

	}

	/**
	 * Accessors of the client internals, resolved once.
	 */
	private record Internals(MethodHandle confirmable, Class<?> confirmableType, MethodHandle publishWithFlows,
			MethodHandle flow, MethodHandle statefulPublish, MethodHandle subscriptionIdentifiers, MethodHandle size,
			MethodHandle get, MethodHandle incomingPublishService, MethodHandle incomingPublishFlows,
			MethodHandle subscriptions, MethodHandle topicFilter) {

		static @Nullable Internals resolve() {
			try {
				ClassLoader loader = HiveMqSubscriptionIdentifiers.class.getClassLoader();
				Class<?> publish = Class.forName(INTERNAL + "message.publish.MqttPublish", false, loader);
				Class<?> confirmable = Class.forName(INTERNAL + "handler.publish.incoming.MqttIncomingPublishConfirmable",
						false, loader);
				Class<?> withFlows = Class.forName(INTERNAL + "handler.publish.incoming.MqttStatefulPublishWithFlows", false,
						loader);
				Class<?> flow = Class.forName(INTERNAL + "handler.publish.incoming.MqttIncomingPublishFlow", false, loader);
				Class<?> service = Class.forName(INTERNAL + "handler.publish.incoming.MqttIncomingPublishService", false,
						loader);
				Class<?> flows = Class.forName(INTERNAL + "handler.publish.incoming.MqttIncomingPublishFlows", false, loader);
				Class<?> stateful = Class.forName(INTERNAL + "message.publish.MqttStatefulPublish", false, loader);
				Class<?> intList = Class.forName("com.hivemq.client.internal.util.collections.ImmutableIntList", false,
						loader);
				Class<?> subscription = Class.forName(INTERNAL + "message.subscribe.MqttSubscription", false, loader);
				return new Internals(getter(publish, "confirmable"), confirmable, getter(confirmable, "publishWithFlows"),
						getter(confirmable, "flow"), getter(withFlows, "publish"),
						method(stateful, "getSubscriptionIdentifiers"), method(intList, "size"),
						method(intList, "get", int.class), getter(flow, "incomingPublishService"),
						getter(service, "incomingPublishFlows"), method(flows, "getSubscriptions"),
						method(subscription, "getTopicFilter"));
			}
			catch (Throwable ex) {
				logger.info("The HiveMQ MQTT client's internals that tell which subscription an incoming message is for "
						+ "could not be read (" + ex + "); with overlapping MQTT 5 filters, brokers that send one copy per "
						+ "matching subscription (such as mosquitto) deliver a message more than once to a listener");
				return null;
			}
		}

		private static MethodHandle getter(Class<?> type, String name) throws ReflectiveOperationException {
			Field field = type.getDeclaredField(name);
			field.setAccessible(true);
			return MethodHandles.lookup().unreflectGetter(field).asType(java.lang.invoke.MethodType.methodType(Object.class,
					Object.class));
		}

		private static MethodHandle method(Class<?> type, String name, Class<?>... parameters)
				throws ReflectiveOperationException {
			Method method = type.getMethod(name, parameters);
			method.setAccessible(true);
			MethodHandle handle = MethodHandles.lookup().unreflect(method);
			return (parameters.length == 0)
					? handle.asType(java.lang.invoke.MethodType.methodType(method.getReturnType().isPrimitive()
							? method.getReturnType() : Object.class, Object.class))
					: handle.asType(java.lang.invoke.MethodType.methodType(method.getReturnType(), Object.class, int.class));
		}

	}

}
