package dev.mqttspring.observation;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.mqttspring.core.MqttInboundMessage;

/**
 * Notifies several {@link MqttListenerObserver observers}; a failing observer is logged
 * and affects neither the others nor the listener.
 */
final class CompositeMqttListenerObserver implements MqttListenerObserver {

	private static final Log logger = LogFactory.getLog(CompositeMqttListenerObserver.class);

	private final MqttListenerObserver[] observers;

	CompositeMqttListenerObserver(List<MqttListenerObserver> observers) {
		this.observers = observers.toArray(new MqttListenerObserver[0]);
	}

	@Override
	public Handle start(String listenerId, MqttInboundMessage message) {
		Handle[] handles = new Handle[this.observers.length];
		for (int i = 0; i < this.observers.length; i++) {
			try {
				Handle handle = this.observers[i].start(listenerId, message);
				handles[i] = (handle != null) ? handle : Handle.NOOP;
			}
			catch (RuntimeException ex) {
				logger.warn("MQTT listener observer " + this.observers[i] + " failed", ex);
				handles[i] = Handle.NOOP;
			}
		}
		return (failure) -> {
			for (int i = handles.length - 1; i >= 0; i--) {
				try {
					handles[i].stop(failure);
				}
				catch (RuntimeException ex) {
					logger.warn("MQTT listener observer handle " + handles[i] + " failed", ex);
				}
			}
		};
	}

}
