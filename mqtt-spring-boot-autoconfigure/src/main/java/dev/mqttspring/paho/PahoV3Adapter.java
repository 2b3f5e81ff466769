package dev.mqttspring.paho;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttPingSender;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.ClientComms;
import org.eclipse.paho.client.mqttv3.internal.NetworkModule;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.KeepAliveProbe;
import dev.mqttspring.client.MqttClientAdapter;
import dev.mqttspring.client.MqttClientCallbacks;
import dev.mqttspring.client.MqttClientAdapter.CompletionCallback;
import dev.mqttspring.client.MqttClientAdapter.ConnectCallback;
import dev.mqttspring.client.MqttClientAdapter.SubscribeCallback;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscriptionOptions;

/**
 * The MQTT 3.1.1 client adapter over Eclipse Paho's {@code MqttAsyncClient}. MQTT 5 properties
 * are not sent; the broker limits are the protocol's, narrowed by configuration, apart
 * from the publishes in flight (see {@link MqttBrokerLimits#MQTT_3_1_1_RECEIVE_MAXIMUM}).
 */
final class PahoV3Adapter implements MqttClientAdapter<MqttAsyncClient> {

	private final Log logger = LogFactory.getLog(getClass());

	private final MqttConnectionSettings settings;

	private final MqttClientCallbacks callbacks;

	private static final MqttBrokerLimits V3_LIMITS = MqttBrokerLimits.MQTT_3_1_1;

	private final AtomicBoolean qos2Warned = new AtomicBoolean();

	private volatile @Nullable KeepAlive keepAlive;

	PahoV3Adapter(MqttConnectionSettings settings, MqttClientCallbacks callbacks) {
		this.settings = settings;
		this.callbacks = callbacks;
	}

	@Override
	public MqttAsyncClient createClient() throws Exception {
		KeepAlive keepAlive = new KeepAlive(this.settings.getClientId());
		MqttAsyncClient client = new MqttAsyncClient(this.settings.getServerUris().get(0), this.settings.getClientId(),
				persistence(), keepAlive, new PahoThreads(this.callbacks::clientThreadFailed));
		this.keepAlive = keepAlive;
		client.setManualAcks(true);
		client.setCallback(new Callback());
		return client;
	}

	private MqttClientPersistence persistence() {
		if (this.settings.getPersistence() == MqttConnectionSettings.Persistence.FILE) {
			return new MqttDefaultFilePersistence(PahoConnections.persistenceDirectory(this.settings).toString());
		}
		return new MemoryPersistence();
	}

	MqttConnectOptions options() {
		MqttConnectOptions options = new MqttConnectOptions();
		options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
		options.setServerURIs(this.settings.getServerUris().toArray(new String[0]));
		String username = this.callbacks.connectUsername();
		if (username != null) {
			options.setUserName(username);
		}
		byte[] password = this.callbacks.connectPassword();
		if (password != null) {
			options.setPassword(new String(password, java.nio.charset.StandardCharsets.UTF_8).toCharArray());
		}
		options.setKeepAliveInterval((int) this.settings.getKeepAlive().toSeconds());
		options.setConnectionTimeout((int) Math.max(1, this.settings.getConnectionTimeout().toSeconds()));
		options.setCleanSession(this.settings.isCleanStart());
		options.setAutomaticReconnect(false);
		options.setMaxInflight(Math.max(1, this.settings.getMaxInflight()));
		options.setHttpsHostnameVerificationEnabled(this.settings.isHostnameVerification());
		options.setSocketFactory(PahoConnections.socketFactory(this.settings));
		MqttConnectionSettings.Will will = this.settings.getWill();
		if (will != null) {
			options.setWill(will.topic(), will.payload(), will.qos(), will.retain());
		}
		return options;
	}

	@Override
	public void connect(MqttAsyncClient client, ConnectCallback callback) throws Exception {
		client.connect(options(), null, new IMqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				callback.connected(client.getCurrentServerURI(), token.getSessionPresent(), V3_LIMITS);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				callback.failed(ex);
			}

		});
	}

	@Override
	public void publish(MqttAsyncClient client, MqttOutboundMessage message, CompletionCallback callback)
			throws Exception {
		MqttMessage paho = new MqttMessage(message.payload());
		paho.setQos(message.qos());
		paho.setRetained(message.retain());
		client.publish(message.topic(), paho, null, new IMqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				callback.completed(0);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				callback.failed(ex);
			}

		});
	}

	@Override
	public void subscribe(MqttAsyncClient client, String filter, int qos, int subscriptionId,
			MqttSubscriptionOptions options, SubscribeCallback callback) throws Exception {
		PahoConnections.checkQos2Durability(this.settings, filter, qos, this.qos2Warned, this.logger);
		client.subscribe(filter, qos, null, new IMqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				int[] granted = token.getGrantedQos();
				callback.subscribed((granted != null && granted.length > 0) ? granted[0] : 0x80);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				int[] granted = (token != null) ? token.getGrantedQos() : null;
				if (granted != null && granted.length > 0 && granted[0] >= 0x80) {
					callback.subscribed(granted[0]);
				}
				else {
					callback.failed(ex);
				}
			}

		});
	}

	@Override
	public void unsubscribe(MqttAsyncClient client, String filter, CompletionCallback callback) throws Exception {
		client.unsubscribe(filter, null, new IMqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				callback.completed(0);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				callback.failed(ex);
			}

		});
	}

	@Override
	public void acknowledge(MqttAsyncClient client, int messageId, int qos) throws Exception {
		// unlike the MQTT 5 client, Paho's 3.1.1 client delivers QoS 2 messages on PUBREL and
		// sends PUBCOMP only on this manual completion
		client.messageArrivedComplete(messageId, qos);
	}

	@Override
	public void disconnect(MqttAsyncClient client, Duration timeout) throws Exception {
		long millis = Math.max(100, timeout.toMillis());
		try {
			client.disconnect(millis / 2).waitForCompletion(millis);
		}
		finally {
			if (client.isConnected()) {
				client.disconnectForcibly(0, 100, false);
			}
		}
	}

	@Override
	public void close(MqttAsyncClient client) {
		try {
			client.close(true);
		}
		catch (Exception ex) {
			this.logger.debug("Closing the MQTT client failed: " + ex.getMessage());
		}
	}

	@Override
	public void abort(MqttAsyncClient client) {
		try {
			client.disconnectForcibly(0, 100, false);
		}
		catch (Exception ex) {
			this.logger.debug("Aborting the MQTT connect attempt failed: " + ex.getMessage());
		}
	}

	@Override
	public boolean isConnectInProgress(Throwable ex) {
		return ex instanceof MqttException mqtt && (mqtt.getReasonCode() == 32110 || mqtt.getReasonCode() == 32102);
	}

	@Override
	public @Nullable KeepAliveProbe keepAliveProbe(MqttAsyncClient client) {
		return this.keepAlive;
	}

	@Override
	public boolean isConnected(MqttAsyncClient client) {
		return client.isConnected();
	}

	@Override
	public String describe(Throwable ex) {
		return PahoConnections.describe(ex, reasonCodeOf(ex));
	}

	@Override
	public int reasonCodeOf(Throwable ex) {
		if (ex instanceof MqttException mqtt) {
			return switch (mqtt.getReasonCode()) {
				case 1 -> 0x84;
				case 2 -> 0x85;
				case 3 -> 0x88;
				case 4 -> 0x86;
				case 5 -> 0x87;
				case 128 -> 0x80;
				default -> -1;
			};
		}
		return -1;
	}

	@Override
	public boolean isNotConnected(Throwable ex) {
		return ex instanceof MqttException mqtt
				&& (mqtt.getReasonCode() == 32104 || mqtt.getReasonCode() == 32102 || mqtt.getReasonCode() == 32111);
	}

	private final class Callback implements MqttCallbackExtended {

		@Override
		public void connectionLost(Throwable cause) {
			PahoV3Adapter.this.callbacks.connectionLost(describe(cause), reasonCodeOf(cause));
		}

		@Override
		public void messageArrived(String topic, MqttMessage message) {
			PahoV3Adapter.this.callbacks.dispatch(topic, message.getPayload(), message.getQos(), message.isRetained(), message.isDuplicate(),
					message.getId(), MqttMessageProperties.NONE);
		}

		@Override
		public void deliveryComplete(IMqttDeliveryToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverURI) {
		}

	}

	/**
	 * The ping sender of the MQTT 3.1.1 client.
	 */
	private static final class KeepAlive extends PahoKeepAlive implements MqttPingSender {

		private volatile @Nullable ClientComms comms;

		KeepAlive(String clientId) {
			super(clientId);
		}

		@Override
		public void init(ClientComms comms) {
			this.comms = comms;
		}

		@Override
		protected @Nullable Object clientState() {
			ClientComms comms = this.comms;
			return (comms != null) ? comms.getClientState() : null;
		}

		@Override
		protected long keepAliveMillis() {
			ClientComms comms = this.comms;
			return (comms != null) ? comms.getKeepAlive() : 0;
		}

		@Override
		protected boolean checkForActivity() {
			ClientComms comms = this.comms;
			return comms != null && comms.checkForActivity() != null;
		}

		@Override
		protected void closeNetwork() throws Exception {
			ClientComms comms = this.comms;
			NetworkModule[] modules = (comms != null) ? comms.getNetworkModules() : null;
			int index = (comms != null) ? comms.getNetworkModuleIndex() : -1;
			if (modules != null && index >= 0 && index < modules.length && modules[index] != null) {
				modules[index].stop();
			}
		}

	}

}
