package dev.mqttspring.hivemq;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reads the DUP flag of an incoming PUBLISH from the HiveMQ MQTT client's internals: its
 * public {@code Mqtt5Publish} and {@code Mqtt3Publish} do not expose it, the decoded
 * {@code MqttStatefulPublish} does ({@code isDup()}). A publish received through a flow
 * with manual acknowledgement carries its {@code MqttIncomingPublishConfirmable}, which
 * leads to that packet (the same path as {@link HiveMqSubscriptionIdentifiers}).
 * <p>
 * Read-only: when a client version changes these internals, the reader reports itself
 * unavailable and every message reads as not duplicate, as before;
 * {@code HiveMqDuplicateFlagTests} pins the contract for the version the build uses.
 */
final class HiveMqDuplicateFlag {

	private static final Log logger = LogFactory.getLog(HiveMqDuplicateFlag.class);

	private static final String INTERNAL = "com.hivemq.client.internal.mqtt.";

	private static final @Nullable Internals INTERNALS = Internals.resolve();

	private HiveMqDuplicateFlag() {
	}

	/**
	 * Return whether the client's internals could be read with this client version.
	 * @return whether the flag can be read
	 */
	static boolean isAvailable() {
		return INTERNALS != null;
	}

	/**
	 * Return whether the broker sent the publish with the DUP flag; {@code false} when that
	 * cannot be told.
	 * @param publish the publish as delivered by the client (MQTT 5 or 3.1.1)
	 * @return the DUP flag
	 */
	static boolean isDuplicate(Object publish) {
		Internals internals = INTERNALS;
		if (internals == null) {
			return false;
		}
		try {
			Object stateless = internals.mqtt3View.isInstance(publish) ? internals.delegate.invoke(publish) : publish;
			if (!internals.publishType.isInstance(stateless)) {
				return false;
			}
			Object confirmable = internals.confirmable.invoke(stateless);
			if (!internals.confirmableType.isInstance(confirmable)) {
				return false;
			}
			Object stateful = internals.statefulPublish.invoke(internals.publishWithFlows.invoke(confirmable));
			return (boolean) internals.isDup.invoke(stateful);
		}
		catch (Throwable ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Could not read the DUP flag of an incoming publish: " + ex);
			}
			return false;
		}
	}

	/**
	 * Accessors of the client internals, resolved once.
	 */
	private record Internals(Class<?> publishType, Class<?> mqtt3View, MethodHandle delegate, MethodHandle confirmable,
			Class<?> confirmableType, MethodHandle publishWithFlows, MethodHandle statefulPublish, MethodHandle isDup) {

		static @Nullable Internals resolve() {
			try {
				ClassLoader loader = HiveMqDuplicateFlag.class.getClassLoader();
				Class<?> publish = Class.forName(INTERNAL + "message.publish.MqttPublish", false, loader);
				Class<?> view = Class.forName(INTERNAL + "message.publish.mqtt3.Mqtt3PublishView", false, loader);
				Class<?> confirmable = Class.forName(INTERNAL + "handler.publish.incoming.MqttIncomingPublishConfirmable",
						false, loader);
				Class<?> withFlows = Class.forName(INTERNAL + "handler.publish.incoming.MqttStatefulPublishWithFlows", false,
						loader);
				Class<?> stateful = Class.forName(INTERNAL + "message.publish.MqttStatefulPublish", false, loader);
				MethodHandle isDup = MethodHandles.lookup()
					.unreflect(stateful.getMethod("isDup"))
					.asType(MethodType.methodType(boolean.class, Object.class));
				MethodHandle delegate = MethodHandles.lookup()
					.unreflect(view.getMethod("getDelegate"))
					.asType(MethodType.methodType(Object.class, Object.class));
				return new Internals(publish, view, delegate, getter(publish, "confirmable"), confirmable,
						getter(confirmable, "publishWithFlows"), getter(withFlows, "publish"), isDup);
			}
			catch (Throwable ex) {
				logger.info("The HiveMQ MQTT client's internals that hold the DUP flag of an incoming message could not "
						+ "be read (" + ex + "); the mqtt_duplicate header is always false");
				return null;
			}
		}

		private static MethodHandle getter(Class<?> type, String name) throws ReflectiveOperationException {
			Field field = type.getDeclaredField(name);
			field.setAccessible(true);
			return MethodHandles.lookup().unreflectGetter(field).asType(MethodType.methodType(Object.class, Object.class));
		}

	}

}
