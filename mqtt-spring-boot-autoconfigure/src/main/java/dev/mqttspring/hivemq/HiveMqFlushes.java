package dev.mqttspring.hivemq;

import java.util.NoSuchElementException;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientConnectionConfig;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Coalesces the flushes of the HiveMQ client's channel: the client flushes every PUBACK,
 * PUBREC and PUBCOMP on its own, one socket write each. Netty's
 * {@link FlushConsolidationHandler} at the head of the pipeline turns the flushes made
 * while the channel reads (acknowledgements of the messages of one read) into one at the
 * end of the read, and those made by tasks of the event loop (acknowledgements after the
 * listeners finished, publishes) into one after the tasks that are queued, or one per 256.
 * Nothing waits for more traffic: a flush is at most deferred to the end of the event
 * loop's current pass.
 * <p>
 * The channel is read from HiveMQ's connection configuration (an internal type, present in
 * 1.3 and 1.4), as for {@link HiveMqKeepAlive}; when it is not available every flush goes
 * out on its own, as without this handler.
 */
final class HiveMqFlushes {

	static final String HANDLER_NAME = "mqtt-spring-flush-consolidation";

	private HiveMqFlushes() {
	}

	/**
	 * Install the handler on the client's current channel, once.
	 * @param client the connected client
	 * @return whether the channel has the handler
	 */
	static boolean consolidate(MqttClient client) {
		MqttClientConnectionConfig config = client.getConfig().getConnectionConfig().orElse(null);
		if (!(config instanceof com.hivemq.client.internal.mqtt.MqttClientConnectionConfig internal)) {
			return false;
		}
		Channel channel = internal.getChannel();
		if (!channel.isActive()) {
			return false;
		}
		if (channel.pipeline().get(HANDLER_NAME) != null) {
			return true;
		}
		try {
			channel.pipeline().addFirst(HANDLER_NAME, new FlushConsolidationHandler(256, true));
			return true;
		}
		catch (IllegalArgumentException | NoSuchElementException ex) {
			// installed concurrently, or the channel was closed meanwhile
			return channel.pipeline().get(HANDLER_NAME) != null;
		}
	}

}
