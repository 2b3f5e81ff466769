package dev.mqttspring.hivemq;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttEnhancedAuthenticator;

/**
 * Adapts an {@link MqttEnhancedAuthenticator} to the HiveMQ client's enhanced
 * authentication: each step runs on a thread of its own (the client calls on its Netty
 * event loop, which the application's code must not block), and authentication data never
 * reaches a log.
 */
final class HiveMqEnhancedAuth implements Mqtt5EnhancedAuthMechanism {

	private static final Log logger = LogFactory.getLog(HiveMqEnhancedAuth.class);

	private final MqttEnhancedAuthenticator authenticator;

	private final MqttUtf8String method;

	private final int timeoutSeconds;

	private final Executor executor;

	private final String clientId;

	HiveMqEnhancedAuth(MqttEnhancedAuthenticator authenticator, String clientId, int timeoutSeconds) {
		this.authenticator = authenticator;
		this.method = MqttUtf8String.of(authenticator.getMethod());
		this.timeoutSeconds = timeoutSeconds;
		this.clientId = clientId;
		this.executor = (task) -> {
			Thread thread = new Thread(task, "mqtt-auth-" + clientId);
			thread.setDaemon(true);
			thread.start();
		};
	}

	@Override
	public MqttUtf8String getMethod() {
		return this.method;
	}

	@Override
	public int getTimeout() {
		return this.timeoutSeconds;
	}

	@Override
	public CompletableFuture<Void> onAuth(Mqtt5ClientConfig clientConfig, Mqtt5Connect connect,
			Mqtt5EnhancedAuthBuilder authBuilder) {
		return run(() -> {
			byte[] data = this.authenticator.initialData(false);
			if (data != null) {
				authBuilder.data(data);
			}
			return null;
		});
	}

	@Override
	public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig clientConfig, Mqtt5AuthBuilder authBuilder) {
		return run(() -> {
			byte[] data = this.authenticator.initialData(true);
			if (data != null) {
				authBuilder.data(data);
			}
			return null;
		});
	}

	@Override
	public CompletableFuture<Boolean> onServerReAuth(Mqtt5ClientConfig clientConfig, Mqtt5Auth auth,
			Mqtt5AuthBuilder authBuilder) {
		return answer(auth, authBuilder);
	}

	@Override
	public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig clientConfig, Mqtt5Auth auth,
			Mqtt5AuthBuilder authBuilder) {
		return answer(auth, authBuilder);
	}

	private CompletableFuture<Boolean> answer(Mqtt5Auth auth, Mqtt5AuthBuilder authBuilder) {
		byte[] serverData = bytes(auth.getData());
		return run(() -> {
			byte[] data = this.authenticator.challenge(serverData);
			if (data != null) {
				authBuilder.data(data);
			}
			return true;
		});
	}

	@Override
	public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig clientConfig, Mqtt5ConnAck connAck) {
		byte[] serverData = bytes(connAck.getEnhancedAuth().flatMap((auth) -> auth.getData()));
		return run(() -> this.authenticator.succeeded(serverData, false));
	}

	@Override
	public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig clientConfig, Mqtt5Auth auth) {
		byte[] serverData = bytes(auth.getData());
		return run(() -> this.authenticator.succeeded(serverData, true));
	}

	@Override
	public void onAuthRejected(Mqtt5ClientConfig clientConfig, Mqtt5ConnAck connAck) {
		// the connect attempt fails with the CONNACK's reason code, which the connection reports
	}

	@Override
	public void onReAuthRejected(Mqtt5ClientConfig clientConfig, Mqtt5Disconnect disconnect) {
		logger.warn("The broker rejected the re-authentication of MQTT client '" + this.clientId + "' ("
				+ disconnect.getReasonCode() + "); it closed the connection");
	}

	@Override
	public void onAuthError(Mqtt5ClientConfig clientConfig, Throwable cause) {
		// the connect attempt fails with this cause, which the connection reports
	}

	@Override
	public void onReAuthError(Mqtt5ClientConfig clientConfig, Throwable cause) {
		logger.warn("Re-authentication of MQTT client '" + this.clientId + "' failed: " + cause);
	}

	private <T> CompletableFuture<T> run(Supplier<T> step) {
		return CompletableFuture.supplyAsync(step, this.executor);
	}

	private static byte @Nullable [] bytes(Optional<ByteBuffer> data) {
		return data.map(AbstractHiveMqAdapter::bytes).orElse(null);
	}

}
