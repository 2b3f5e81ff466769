package dev.mqttspring.benchmarks;

import javax.net.SocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * (a) Raw Paho v5 {@code MqttAsyncClient}: one publishing and one subscribing client,
 * memory persistence, at most 1000 publishes outstanding, TCP_NODELAY, automatic
 * acknowledgements, messages counted on Paho's callback thread. The socket factory is a
 * parameter so that the effect of buffering the socket's input can be measured.
 */
final class PahoContender implements Contender {

	private static final long TIMEOUT_MILLIS = 10_000;

	private final SocketFactory socketFactory;

	private final PublishWindow window = new PublishWindow();

	private final MqttActionListener publishListener = new MqttActionListener() {

		@Override
		public void onSuccess(IMqttToken token) {
			PahoContender.this.window.release();
		}

		@Override
		public void onFailure(IMqttToken token, Throwable failure) {
			PahoContender.this.window.failed(failure);
		}

	};

	private MqttAsyncClient publisher;

	private MqttAsyncClient subscriber;

	private String topic;

	private int qos;

	private final boolean manualAcks;

	PahoContender(SocketFactory socketFactory) {
		this(socketFactory, false);
	}

	/**
	 * Create a contender.
	 * @param socketFactory the socket factory of both clients
	 * @param manualAcks whether the subscriber acknowledges through
	 * {@code messageArrivedComplete} after counting, as the starter does
	 */
	PahoContender(SocketFactory socketFactory, boolean manualAcks) {
		this(socketFactory, manualAcks, true);
	}

	/**
	 * Create a contender.
	 * @param socketFactory the socket factory of both clients
	 * @param manualAcks whether the subscriber acknowledges through
	 * {@code messageArrivedComplete} after counting, as the starter does
	 * @param completeQos2 whether {@code messageArrivedComplete} is also called for QoS 2
	 * messages (Paho 1.2.5 then sends a second PUBCOMP, see eclipse-paho/paho.mqtt.java#994)
	 */
	PahoContender(SocketFactory socketFactory, boolean manualAcks, boolean completeQos2) {
		this.socketFactory = socketFactory;
		this.manualAcks = manualAcks;
		this.completeQos2 = completeQos2;
	}

	private final boolean completeQos2;

	@Override
	public void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception {
		this.topic = topic;
		this.qos = qos;
		this.subscriber = connect(broker, "paho-sub", new CountingCallback(sink, this));
		IMqttToken token = this.subscriber.subscribe(new MqttSubscription(topic, qos));
		token.waitForCompletion(TIMEOUT_MILLIS);
		int[] codes = token.getReasonCodes();
		if (codes == null || codes.length != 1 || codes[0] != qos) {
			throw new IllegalStateException("Subscription to '" + topic + "' at QoS " + qos + " was answered with "
					+ java.util.Arrays.toString(codes));
		}
		this.publisher = connect(broker, "paho-pub", null);
	}

	private MqttAsyncClient connect(Broker broker, String role, MqttCallback callback) throws MqttException {
		MqttAsyncClient client = new MqttAsyncClient(broker.url(), ClientIds.next(role), new MemoryPersistence());
		if (callback != null) {
			client.setCallback(callback);
			client.setManualAcks(this.manualAcks);
		}
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setCleanStart(true);
		options.setAutomaticReconnect(false);
		options.setKeepAliveInterval(60);
		options.setSocketFactory(this.socketFactory);
		client.connect(options).waitForCompletion(TIMEOUT_MILLIS);
		return client;
	}

	@Override
	public void publish(byte[] payload) throws Exception {
		this.window.acquire();
		MqttMessage message = new MqttMessage(payload);
		message.setQos(this.qos);
		try {
			this.publisher.publish(this.topic, message, null, this.publishListener);
		}
		catch (MqttException ex) {
			this.window.failed(ex);
			throw ex;
		}
	}

	@Override
	public void awaitPublished(long timeoutMillis) throws Exception {
		this.window.awaitEmpty(timeoutMillis);
	}

	@Override
	public void close() {
		close(this.publisher);
		close(this.subscriber);
	}

	static void close(MqttAsyncClient client) {
		if (client == null) {
			return;
		}
		try {
			if (client.isConnected()) {
				client.disconnect(2_000).waitForCompletion(5_000);
			}
		}
		catch (MqttException ex) {
			// closing anyway
		}
		try {
			client.close(true);
		}
		catch (MqttException ex) {
			// best effort
		}
	}

	private static final class CountingCallback implements MqttCallback {

		private final MessageSink sink;

		private final PahoContender contender;

		CountingCallback(MessageSink sink, PahoContender contender) {
			this.sink = sink;
			this.contender = contender;
		}

		@Override
		public void messageArrived(String topic, MqttMessage message) throws MqttException {
			this.sink.received(message.getPayload());
			if (this.contender.manualAcks && (message.getQos() == 1 || (message.getQos() == 2 && this.contender.completeQos2))) {
				this.contender.subscriber.messageArrivedComplete(message.getId(), message.getQos());
			}
		}

		@Override
		public void disconnected(MqttDisconnectResponse response) {
		}

		@Override
		public void mqttErrorOccurred(MqttException exception) {
		}

		@Override
		public void deliveryComplete(IMqttToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverUri) {
		}

		@Override
		public void authPacketArrived(int reasonCode, MqttProperties properties) {
		}

	}

}
