package dev.mqttspring.hivemq;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import io.reactivex.disposables.Disposable;

import dev.mqttspring.client.MqttClientCallbacks;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionOptions;

/**
 * The MQTT 3.1.1 client adapter over the HiveMQ MQTT client's {@link Mqtt3AsyncClient}. MQTT 5
 * properties are not sent; the broker limits are the protocol's, narrowed by
 * configuration. Incoming QoS 1/2 messages are acknowledged (PUBACK, PUBREC) only after
 * the listeners finished.
 */
final class HiveMqV3Adapter extends AbstractHiveMqAdapter<Mqtt3AsyncClient, Mqtt3Publish> {

	private static final MqttBrokerLimits V3_LIMITS = MqttBrokerLimits.MQTT_3_1_1;

	HiveMqV3Adapter(MqttConnectionSettings settings, MqttClientCallbacks callbacks,
			List<HiveMqClientBuilderCustomizer> builderCustomizers) {
		super(settings, callbacks, builderCustomizers);
	}

	@Override
	Mqtt3AsyncClient build(MqttClientBuilder builder) {
		return builder.useMqttVersion3().buildAsync();
	}

	@Override
	Disposable listen(Mqtt3AsyncClient client, AtomicBoolean listening) {
		return client.toRx().publishes(MqttGlobalPublishFilter.ALL, true).subscribe(this::received, (ex) -> {
			listening.set(false);
			this.logger.debug("Incoming message flow ended: " + ex.getMessage());
		});
	}

	private void received(Mqtt3Publish publish) {
		try {
			int qos = publish.getQos().getCode();
			String topic = publish.getTopic().toString();
			if (!admit(publish, topic, publish.getPayload(), qos)) {
				return;
			}
			byte[] payload = publish.getPayloadAsBytes();
			int id = (qos > 0) ? register(publish) : 0;
			this.callbacks.dispatch(topic, payload, qos, publish.isRetain(), (qos > 0) && HiveMqDuplicateFlag.isDuplicate(publish), id,
					MqttMessageProperties.NONE);
		}
		catch (Throwable ex) {
			this.callbacks.clientThreadFailed(Thread.currentThread().getName(), ex);
		}
	}

	@Override
	void acknowledgePublish(Mqtt3Publish publish) {
		publish.acknowledge();
	}

	Mqtt3Connect connectMessage() {
		Mqtt3ConnectBuilder builder = Mqtt3Connect.builder()
			.keepAlive((int) this.settings.getKeepAlive().toSeconds())
			.cleanSession(this.settings.isCleanStart());
		String username = this.callbacks.connectUsername();
		if (username != null) {
			var auth = Mqtt3SimpleAuth.builder().username(username);
			byte[] password = this.callbacks.connectPassword();
			if (password != null) {
				auth.password(password);
			}
			builder.simpleAuth(auth.build());
		}
		MqttConnectionSettings.Will will = this.settings.getWill();
		if (will != null) {
			builder.willPublish(Mqtt3Publish.builder()
				.topic(will.topic())
				.payload(will.payload())
				.qos(MqttQos.fromCode(will.qos()))
				.retain(will.retain())
				.build());
		}
		return builder.build();
	}

	@Override
	CompletableFuture<Connected> sendConnect(Mqtt3AsyncClient client) {
		return client.connect(connectMessage()).thenApply((connAck) -> new Connected(connAck.isSessionPresent(), V3_LIMITS));
	}

	@Override
	public void publish(HiveMqClients<Mqtt3AsyncClient> clients, MqttOutboundMessage message,
			CompletionCallback callback) {
		Mqtt3AsyncClient client = clients.active().client();
		requireConnected(client);
		Mqtt3Publish publish = Mqtt3Publish.builder()
			.topic(message.topic())
			.payload(message.payload())
			.qos(MqttQos.fromCode(message.qos()))
			.retain(message.retain())
			.build();
		client.publish(publish).whenComplete(completing(callback));
	}

	@Override
	public void subscribe(HiveMqClients<Mqtt3AsyncClient> clients, String filter, int qos, int subscriptionId,
			MqttSubscriptionOptions options, SubscribeCallback callback) {
		Mqtt3Subscribe subscribe = Mqtt3Subscribe.builder().topicFilter(filter).qos(MqttQos.fromCode(qos)).build();
		clients.active().client().subscribe(subscribe).whenComplete((subAck, ex) -> {
			if (ex == null) {
				callback.subscribed(firstCode(subAck));
				return;
			}
			Throwable cause = unwrap(ex);
			if (cause instanceof Mqtt3SubAckException refused) {
				callback.subscribed(firstCode(refused.getMqttMessage()));
			}
			else {
				callback.failed(cause);
			}
		});
	}

	private static int firstCode(Mqtt3SubAck subAck) {
		return subAck.getReturnCodes().isEmpty() ? 0x80 : subAck.getReturnCodes().get(0).getCode();
	}

	@Override
	public void unsubscribe(HiveMqClients<Mqtt3AsyncClient> clients, String filter, CompletionCallback callback) {
		clients.active().client().unsubscribeWith().topicFilter(filter).send().whenComplete(completing(callback));
	}

	@Override
	CompletableFuture<Void> sendDisconnect(Mqtt3AsyncClient client) {
		return client.disconnect();
	}

	@Override
	String describeDisconnect(Throwable cause) {
		return describe(cause);
	}

	@Override
	public int reasonCodeOf(Throwable ex) {
		Throwable cause = unwrap(ex);
		if (cause instanceof Mqtt3ConnAckException connAck) {
			return switch (connAck.getMqttMessage().getReturnCode().getCode()) {
				case 1 -> 0x84;
				case 2 -> 0x85;
				case 3 -> 0x88;
				case 4 -> 0x86;
				case 5 -> 0x87;
				default -> -1;
			};
		}
		if (cause instanceof Mqtt3SubAckException subAck) {
			return firstCode(subAck.getMqttMessage());
		}
		return -1;
	}

}
