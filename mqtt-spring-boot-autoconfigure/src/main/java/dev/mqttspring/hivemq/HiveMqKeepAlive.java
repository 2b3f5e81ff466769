package dev.mqttspring.hivemq;

import java.util.NoSuchElementException;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientConnectionConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.KeepAliveProbe;

/**
 * The keep-alive probe of the connection's watchdog on the HiveMQ backend: a handler at
 * the head of the HiveMQ client's Netty pipeline records when bytes last arrived from the
 * broker, and a drop closes the channel, which HiveMQ reports like any closed connection.
 * HiveMQ's own ping handler sends a PINGREQ whenever nothing was read or written for a
 * keep-alive, but it notices a silent broker only on its next tick, up to two keep-alives
 * later; the watchdog drops the connection after 1.5.
 * <p>
 * The channel is read from HiveMQ's connection configuration (an internal type, present in
 * 1.3 and 1.4); when it is not available the probe is absent and HiveMQ's own check applies.
 */
final class HiveMqKeepAlive extends ChannelInboundHandlerAdapter implements KeepAliveProbe {

	static final String HANDLER_NAME = "mqtt-spring-keep-alive";

	private final Channel channel;

	private volatile long lastInboundNanos = System.nanoTime();

	private HiveMqKeepAlive(Channel channel) {
		this.channel = channel;
	}

	/**
	 * Return the probe of the client's current connection, installing it on first use.
	 * @param client the connected client
	 * @return the probe, or {@code null} when the client's channel is not available
	 */
	static @Nullable KeepAliveProbe of(MqttClient client) {
		MqttClientConnectionConfig config = client.getConfig().getConnectionConfig().orElse(null);
		if (!(config instanceof com.hivemq.client.internal.mqtt.MqttClientConnectionConfig internal)) {
			return null;
		}
		Channel channel = internal.getChannel();
		if (!channel.isActive()) {
			return null;
		}
		if (channel.pipeline().get(HANDLER_NAME) instanceof HiveMqKeepAlive installed) {
			return installed;
		}
		HiveMqKeepAlive probe = new HiveMqKeepAlive(channel);
		try {
			channel.pipeline().addFirst(HANDLER_NAME, probe);
		}
		catch (IllegalArgumentException | NoSuchElementException ex) {
			// installed concurrently, or the channel was closed meanwhile
			return (channel.pipeline().get(HANDLER_NAME) instanceof HiveMqKeepAlive installed) ? installed : null;
		}
		return probe;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.lastInboundNanos = System.nanoTime();
		ctx.fireChannelRead(msg);
	}

	@Override
	public long lastInboundNanos() {
		return this.lastInboundNanos;
	}

	@Override
	public void ping() {
		// HiveMQ's ping handler already sends a PINGREQ when nothing was read for a keep-alive
	}

	@Override
	public void drop() {
		this.channel.close();
	}

}
