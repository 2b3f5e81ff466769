package dev.mqttspring.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Notifies several {@link MqttPublishObserver observers}; a failing observer is logged and
 * does not affect the others or the publish.
 */
final class CompositeMqttPublishObserver implements MqttPublishObserver {

	private static final Log logger = LogFactory.getLog(CompositeMqttPublishObserver.class);

	private final MqttPublishObserver[] observers;

	CompositeMqttPublishObserver(List<MqttPublishObserver> observers) {
		this.observers = observers.toArray(new MqttPublishObserver[0]);
	}

	CompositeMqttPublishObserver with(MqttPublishObserver observer) {
		List<MqttPublishObserver> all = new ArrayList<>(List.of(this.observers));
		all.add(observer);
		return new CompositeMqttPublishObserver(all);
	}

	@Override
	public Handle start(MqttOutboundMessage message) {
		Handle[] handles = new Handle[this.observers.length];
		MqttOutboundMessage current = message;
		for (int i = 0; i < this.observers.length; i++) {
			handles[i] = start(this.observers[i], current);
			MqttOutboundMessage enriched = handles[i].message();
			if (enriched != null) {
				current = enriched;
			}
		}
		MqttOutboundMessage toSend = (current != message) ? current : null;
		return new Handle() {

			@Override
			public void stop(@Nullable Throwable failure) {
				for (Handle handle : handles) {
					CompositeMqttPublishObserver.stop(handle, failure);
				}
			}

			@Override
			public @Nullable MqttOutboundMessage message() {
				return toSend;
			}

		};
	}

	@Override
	public void rejected(String topic, Throwable failure) {
		for (MqttPublishObserver observer : this.observers) {
			try {
				observer.rejected(topic, failure);
			}
			catch (RuntimeException ex) {
				logger.warn("MQTT publish observer " + observer + " failed", ex);
			}
		}
	}

	static Handle start(MqttPublishObserver observer, MqttOutboundMessage message) {
		try {
			Handle handle = observer.start(message);
			return (handle != null) ? handle : Handle.NOOP;
		}
		catch (RuntimeException ex) {
			logger.warn("MQTT publish observer " + observer + " failed", ex);
			return Handle.NOOP;
		}
	}

	static void stop(Handle handle, @Nullable Throwable failure) {
		try {
			handle.stop(failure);
		}
		catch (RuntimeException ex) {
			logger.warn("MQTT publish observer handle " + handle + " failed", ex);
		}
	}

}
