package dev.mqttspring.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;

/**
 * (b) Raw HiveMQ MQTT client (async API): one publishing and one subscribing client, at
 * most 1000 publishes outstanding, messages counted in the subscription callback (on the
 * client's Netty thread), automatic acknowledgements.
 */
final class HiveMqContender implements Contender {

	private static final long TIMEOUT_SECONDS = 10;

	private final PublishWindow window = new PublishWindow();

	private Mqtt5AsyncClient publisher;

	private Mqtt5AsyncClient subscriber;

	private String topic;

	private MqttQos qos;

	@Override
	public void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception {
		this.topic = topic;
		this.qos = MqttQos.fromCode(qos);
		this.subscriber = connect(broker, "hivemq-sub");
		Mqtt5SubAck subAck = this.subscriber.subscribeWith()
			.topicFilter(topic)
			.qos(this.qos)
			.callback((publish) -> {
				ByteBuffer payload = publish.getPayload().orElseThrow();
				sink.received(Payloads.sequence(payload), Payloads.sentNanos(payload));
			})
			.send()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		Mqtt5SubAckReasonCode code = subAck.getReasonCodes().get(0);
		if (code.isError() || code.getCode() != qos) {
			throw new IllegalStateException("Subscription to '" + topic + "' at QoS " + qos + " was answered with " + code);
		}
		this.publisher = connect(broker, "hivemq-pub");
	}

	private static Mqtt5AsyncClient connect(Broker broker, String role) throws Exception {
		Mqtt5AsyncClient client = MqttClient.builder()
			.useMqttVersion5()
			.identifier(ClientIds.next(role))
			.serverHost(broker.host())
			.serverPort(broker.port())
			.buildAsync();
		client.connectWith().cleanStart(true).keepAlive(60).send().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		return client;
	}

	@Override
	public void publish(byte[] payload) throws Exception {
		this.window.acquire();
		this.publisher.publishWith()
			.topic(this.topic)
			.qos(this.qos)
			.payload(payload)
			.send()
			.whenComplete((result, failure) -> {
				if (failure == null && result.getError().isEmpty()) {
					this.window.release();
				}
				else {
					this.window.failed((failure != null) ? failure : result.getError().get());
				}
			});
	}

	@Override
	public void awaitPublished(long timeoutMillis) throws Exception {
		this.window.awaitEmpty(timeoutMillis);
	}

	@Override
	public void close() {
		disconnect(this.publisher);
		disconnect(this.subscriber);
	}

	private static void disconnect(Mqtt5AsyncClient client) {
		if (client == null) {
			return;
		}
		try {
			client.disconnect().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// best effort
		}
	}

}
