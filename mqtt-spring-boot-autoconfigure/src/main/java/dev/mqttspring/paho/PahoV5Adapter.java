package dev.mqttspring.paho;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.SocketFactory;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttPingSender;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.internal.ClientComms;
import org.eclipse.paho.mqttv5.client.internal.NetworkModule;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

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
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttUserProperty;

/**
 * The MQTT 5 client adapter over Eclipse Paho's {@code MqttAsyncClient}.
 */
final class PahoV5Adapter implements MqttClientAdapter<MqttAsyncClient> {

	private final Log logger = LogFactory.getLog(getClass());

	private final MqttConnectionSettings settings;

	private final MqttClientCallbacks callbacks;

	private final AtomicBoolean qos2Warned = new AtomicBoolean();

	private volatile PahoV5SessionPersistence persistence;

	private volatile @Nullable KeepAlive keepAlive;

	PahoV5Adapter(MqttConnectionSettings settings, MqttClientCallbacks callbacks) {
		this.settings = settings;
		this.callbacks = callbacks;
		if (settings.getPersistence() == MqttConnectionSettings.Persistence.FILE) {
			// one for the life of the connection: it tracks what the listeners have not finished
			Path directory = PahoConnections.persistenceDirectory(settings);
			this.persistence = new PahoV5SessionPersistence(new MqttDefaultFilePersistence(directory.toString()), directory,
					!settings.isCleanStart(), this::rescue);
		}
		else {
			this.persistence = new PahoV5SessionPersistence(null, null, false, this::rescue);
		}
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
		if (this.settings.getPersistence() != MqttConnectionSettings.Persistence.FILE) {
			// in memory, each new client starts with a new store; a file store stays the same
			this.persistence = new PahoV5SessionPersistence(null, null, false, this::rescue);
		}
		return this.persistence;
	}

	/**
	 * Deliver a QoS 2 message that Paho acknowledged with PUBREC but that the application
	 * did not get (Paho dropped it from its callback queue when the connection was lost)
	 * or did not finish (the application stopped; file persistence only).
	 */
	private void rescue(MqttPublish publish, Runnable processed) {
		MqttMessage message = publish.getMessage();
		this.logger.debug("Delivering QoS 2 message " + publish.getMessageId() + " on '" + publish.getTopicName()
				+ "' that the client library acknowledged but the application did not process");
		this.callbacks.dispatch(publish.getTopicName(), message.getPayload(), 2, message.isRetained(), message.isDuplicate(),
				publish.getMessageId(), fromPaho(message.getProperties()), processed);
	}

	@Override
	public boolean isRedeliveredAfterLoss(int qos) {
		// Paho sent PUBREC on receipt: the broker does not send a QoS 2 message again
		return qos != 2;
	}

	MqttConnectionOptions options() {
		MqttConnectionOptions options = new MqttConnectionOptions();
		options.setServerURIs(this.settings.getServerUris().toArray(new String[0]));
		String username = this.callbacks.connectUsername();
		if (username != null) {
			options.setUserName(username);
		}
		byte[] password = this.callbacks.connectPassword();
		if (password != null) {
			options.setPassword(password);
		}
		options.setKeepAliveInterval((int) this.settings.getKeepAlive().toSeconds());
		options.setConnectionTimeout((int) Math.max(1, this.settings.getConnectionTimeout().toSeconds()));
		options.setCleanStart(this.settings.isCleanStart());
		options.setSessionExpiryInterval(this.settings.getSessionExpiry().toSeconds());
		options.setAutomaticReconnect(false);
		options.setUseSubscriptionIdentifiers(false);
		options.setHttpsHostnameVerificationEnabled(this.settings.isHostnameVerification());
		if (this.settings.getReceiveMaximum() != null) {
			options.setReceiveMaximum(this.settings.getReceiveMaximum());
		}
		options.setMaximumPacketSize(this.settings.getMaxInboundPacketSize());
		SocketFactory factory = PahoConnections.socketFactory(this.settings);
		options.setSocketFactory(factory);
		MqttConnectionSettings.Will will = this.settings.getWill();
		if (will != null) {
			MqttMessage message = new MqttMessage(will.payload(), will.qos(), will.retain(), null);
			options.setWill(will.topic(), message);
		}
		return options;
	}

	@Override
	public void connect(MqttAsyncClient client, ConnectCallback callback) throws Exception {
		client.connect(options(), null, new MqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				disableOutgoingTopicAliases(client);
				callback.connected(client.getCurrentServerURI(), token.getSessionPresent(), limits(token.getResponseProperties()));
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				callback.failed(ex);
			}

		});
	}

	/**
	 * Stop Paho from replacing topic names with topic aliases (it does so on its own
	 * whenever the broker allows aliases). Paho 1.2.5 keeps the alias-only PUBLISH of an
	 * unacknowledged QoS 1/2 message and resends it after a reconnect, where the alias is
	 * unknown: the broker answers with a protocol error (0x82) or "topic alias invalid"
	 * (0x94) on every reconnect, an endless loop (eclipse-paho/paho.mqtt.java#1104). Runs
	 * before the connection accepts publishes; publishes are buffered until then.
	 */
	private void disableOutgoingTopicAliases(MqttAsyncClient client) {
		try {
			java.lang.reflect.Field field = MqttAsyncClient.class.getDeclaredField("mqttConnection");
			field.setAccessible(true);
			Object state = field.get(client);
			if (state instanceof org.eclipse.paho.mqttv5.client.internal.MqttConnectionState connectionState) {
				connectionState.setOutgoingTopicAliasMaximum(0);
			}
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			this.logger.debug("Could not turn off Paho's outgoing topic aliases; unacknowledged messages may be resent with"
					+ " an alias the broker no longer knows after a reconnect: " + ex);
		}
	}

	private static MqttBrokerLimits limits(MqttProperties p) {
		if (p == null) {
			return MqttBrokerLimits.UNRESTRICTED;
		}
		Integer maxQos = p.getMaximumQoS();
		Long maxPacket = p.getMaximumPacketSize();
		Boolean retain = p.isRetainAvailable();
		Integer receiveMax = p.getReceiveMaximum();
		Integer aliasMax = p.getTopicAliasMaximum();
		Integer keepAlive = p.getServerKeepAlive();
		return new MqttBrokerLimits((maxQos != null) ? maxQos : 2,
				(maxPacket != null) ? maxPacket : MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE,
				(retain != null) ? retain : true, p.isWildcardSubscriptionsAvailable(), p.isSharedSubscriptionAvailable(),
				p.isSubscriptionIdentifiersAvailable(), (receiveMax != null) ? receiveMax : 65_535,
				(aliasMax != null) ? aliasMax : 0, (keepAlive != null) ? keepAlive : -1);
	}

	@Override
	public void publish(MqttAsyncClient client, MqttOutboundMessage message, CompletionCallback callback)
			throws Exception {
		MqttMessage paho = new MqttMessage(message.payload(), message.qos(), message.retain(), toPaho(message.properties()));
		client.publish(message.topic(), paho, null, new MqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				int[] codes = token.getReasonCodes();
				callback.completed((codes != null && codes.length > 0) ? codes[0] : 0);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				callback.failed(ex);
			}

		});
	}

	static MqttProperties toPaho(MqttMessageProperties properties) {
		MqttProperties paho = new MqttProperties();
		if (properties.isEmpty()) {
			return paho;
		}
		paho.setContentType(properties.getContentType());
		paho.setResponseTopic(properties.getResponseTopic());
		paho.setCorrelationData(properties.getCorrelationData());
		paho.setMessageExpiryInterval(properties.getMessageExpiryInterval());
		if (properties.getPayloadFormatUtf8() != null) {
			paho.setPayloadFormat(properties.getPayloadFormatUtf8());
		}
		if (!properties.getUserProperties().isEmpty()) {
			List<UserProperty> user = new ArrayList<>(properties.getUserProperties().size());
			for (MqttUserProperty property : properties.getUserProperties()) {
				user.add(new UserProperty(property.name(), property.value()));
			}
			paho.setUserProperties(user);
		}
		return paho;
	}

	static MqttMessageProperties fromPaho(MqttProperties paho) {
		if (paho == null) {
			return MqttMessageProperties.NONE;
		}
		List<UserProperty> user = paho.getUserProperties();
		List<Integer> ids = paho.getSubscriptionIdentifiers();
		if (paho.getContentType() == null && paho.getResponseTopic() == null && paho.getCorrelationData() == null
				&& paho.getMessageExpiryInterval() == null && (user == null || user.isEmpty())
				&& (ids == null || ids.isEmpty()) && !paho.getPayloadFormat()) {
			return MqttMessageProperties.NONE;
		}
		MqttMessageProperties.Builder builder = MqttMessageProperties.builder()
			.contentType(paho.getContentType())
			.correlationData(paho.getCorrelationData())
			.messageExpiryInterval(paho.getMessageExpiryInterval());
		if (paho.getResponseTopic() != null) {
			try {
				builder.responseTopic(paho.getResponseTopic());
			}
			catch (IllegalArgumentException ex) {
				// an invalid response topic from the wire is dropped: a reply could not be sent to it
			}
		}
		if (paho.getPayloadFormat()) {
			builder.payloadFormatUtf8(true);
		}
		if (user != null) {
			for (UserProperty property : user) {
				builder.userProperty(property.getKey(), property.getValue());
			}
		}
		if (ids != null && !ids.isEmpty()) {
			builder.subscriptionIdentifiers(ids);
		}
		return builder.build();
	}

	@Override
	public void subscribe(MqttAsyncClient client, String filter, int qos, int subscriptionId,
			MqttSubscriptionOptions options, SubscribeCallback callback) throws Exception {
		PahoConnections.checkQos2Durability(this.settings, filter, qos, this.qos2Warned, this.logger);
		MqttProperties properties = new MqttProperties();
		if (subscriptionId > 0) {
			properties.setSubscriptionIdentifier(subscriptionId);
		}
		MqttSubscription subscription = new MqttSubscription(filter, qos);
		subscription.setNoLocal(options.noLocal());
		subscription.setRetainAsPublished(options.retainAsPublished());
		subscription.setRetainHandling(options.retainHandling().code());
		client.subscribe(new MqttSubscription[] { subscription }, null, new MqttActionListener() {

			@Override
			public void onSuccess(IMqttToken token) {
				int[] codes = token.getReasonCodes();
				callback.subscribed((codes != null && codes.length > 0) ? codes[0] : 0x80);
			}

			@Override
			public void onFailure(IMqttToken token, Throwable ex) {
				int[] codes = (token != null) ? token.getReasonCodes() : null;
				if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
					callback.subscribed(codes[0]);
				}
				else {
					callback.failed(ex);
				}
			}

		}, properties);
	}

	@Override
	public void unsubscribe(MqttAsyncClient client, String filter, CompletionCallback callback) throws Exception {
		client.unsubscribe(filter, null, new MqttActionListener() {

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
		// Paho completes the QoS 2 flow itself (PUBREC on receipt, PUBCOMP on PUBREL); a manual
		// completion would send a second PUBCOMP, which brokers answer with a protocol error
		// (eclipse-paho/paho.mqtt.java#994, #1054)
		if (qos == 1) {
			client.messageArrivedComplete(messageId, qos);
		}
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
		// 0 is Paho's "client exception" (TLS, I/O), not an MQTT reason code
		if (ex instanceof MqttException mqtt && mqtt.getReasonCode() > 0 && mqtt.getReasonCode() < 0x100) {
			return mqtt.getReasonCode();
		}
		return -1;
	}

	@Override
	public boolean isNotConnected(Throwable ex) {
		return ex instanceof MqttException mqtt
				&& (mqtt.getReasonCode() == 32104 || mqtt.getReasonCode() == 32102 || mqtt.getReasonCode() == 32111);
	}

	private final class Callback implements MqttCallback {

		@Override
		public void disconnected(MqttDisconnectResponse response) {
			MqttException ex = response.getException();
			int code = response.getReturnCode();
			String cause;
			if (ex != null && code == 0) {
				cause = describe(ex);
				code = reasonCodeOf(ex);
			}
			else {
				cause = "disconnected by the broker: " + MqttReasonCodes.describe(code)
						+ ((response.getReasonString() != null) ? " - " + response.getReasonString() : "");
			}
			PahoV5Adapter.this.callbacks.connectionLost(cause, code);
		}

		@Override
		public void mqttErrorOccurred(MqttException exception) {
			PahoV5Adapter.this.logger.warn("MQTT error: " + describe(exception));
		}

		@Override
		public void messageArrived(String topic, MqttMessage message) {
			if (message.getQos() == 2) {
				Runnable processed = PahoV5Adapter.this.persistence.accept(message);
				if (processed == null) {
					PahoV5Adapter.this.logger.debug("Dropped a resend of QoS 2 message " + message.getId() + " on '" + topic
							+ "': it was delivered before and the broker has not released it yet");
					return;
				}
				PahoV5Adapter.this.callbacks.dispatch(topic, message.getPayload(), 2, message.isRetained(), message.isDuplicate(), message.getId(),
						fromPaho(message.getProperties()), processed);
				return;
			}
			PahoV5Adapter.this.callbacks.dispatch(topic, message.getPayload(), message.getQos(), message.isRetained(), message.isDuplicate(),
					message.getId(), fromPaho(message.getProperties()));
		}

		@Override
		public void deliveryComplete(IMqttToken token) {
		}

		@Override
		public void connectComplete(boolean reconnect, String serverURI) {
		}

		@Override
		public void authPacketArrived(int reasonCode, MqttProperties properties) {
		}

	}

	/**
	 * The ping sender of the MQTT 5 client.
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
