package dev.mqttspring.hivemq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5UnsubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import io.reactivex.disposables.Disposable;
import org.jspecify.annotations.Nullable;

import dev.mqttspring.client.MqttClientCallbacks;
import dev.mqttspring.client.internal.SubscriptionRegistry;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttEnhancedAuthenticator;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttUserProperty;

/**
 * The MQTT 5 client adapter over the HiveMQ MQTT client's {@link Mqtt5AsyncClient}. Incoming
 * QoS 1/2 messages are acknowledged (PUBACK, PUBREC) only after the listeners finished.
 */
final class HiveMqV5Adapter extends AbstractHiveMqAdapter<Mqtt5AsyncClient, Mqtt5Publish> {

	private static final int MAX_CACHED_IDENTIFIERS = 1024;

	private final Set<String> reportedOverlaps = ConcurrentHashMap.newKeySet();

	private final HiveMqSubscriptionIdentifiers subscriptionIdentifiers = new HiveMqSubscriptionIdentifiers();

	/**
	 * The identifier the connection gave each subscribed filter, by filter.
	 */
	private final Map<String, Integer> identifiersByFilter = new ConcurrentHashMap<>();

	/**
	 * Properties with nothing but one subscription identifier, by identifier: what most
	 * messages carry when filters do not overlap. Bounded: every new filter gets a new
	 * identifier, so an application that keeps subscribing new filters would grow it.
	 */
	private final Map<Integer, MqttMessageProperties> identifiedOnly = new ConcurrentHashMap<>();

	private final @Nullable HiveMqEnhancedAuth enhancedAuth;

	HiveMqV5Adapter(MqttConnectionSettings settings, MqttClientCallbacks callbacks,
			List<HiveMqClientBuilderCustomizer> builderCustomizers) {
		super(settings, callbacks, builderCustomizers);
		MqttEnhancedAuthenticator authenticator = settings.getEnhancedAuthenticator();
		this.enhancedAuth = (authenticator != null) ? new HiveMqEnhancedAuth(authenticator, settings.getClientId(),
				(int) Math.max(1, settings.getConnectionTimeout().toSeconds())) : null;
	}

	@Override
	Mqtt5AsyncClient build(MqttClientBuilder builder) {
		return builder.useMqttVersion5().buildAsync();
	}

	@Override
	Disposable listen(Mqtt5AsyncClient client, AtomicBoolean listening) {
		return client.toRx().publishes(MqttGlobalPublishFilter.ALL, true).subscribe(this::received, (ex) -> {
			listening.set(false);
			this.logger.debug("Incoming message flow ended: " + ex.getMessage());
		});
	}

	private void received(Mqtt5Publish publish) {
		try {
			int qos = publish.getQos().getCode();
			String topic = publish.getTopic().toString();
			if (!admit(publish, topic, publish.getPayload(), qos)) {
				return;
			}
			byte[] payload = publish.getPayloadAsBytes();
			MqttMessageProperties properties = withSubscriptionIdentifiers(properties(publish), publish, topic);
			int id = (qos > 0) ? register(publish) : 0;
			this.callbacks.dispatch(topic, payload, qos, publish.isRetain(), (qos > 0) && HiveMqDuplicateFlag.isDuplicate(publish), id, properties);
		}
		catch (Throwable ex) {
			this.callbacks.clientThreadFailed(Thread.currentThread().getName(), ex);
		}
	}

	/**
	 * Add the identifiers of the subscriptions this copy of a message was sent for. Read
	 * from the client's internals only when filters of the connection overlap (a broker
	 * may then send one copy per matching subscription); otherwise the message matches one
	 * filter, and its identifier is the one this connection subscribed that filter with.
	 */
	private MqttMessageProperties withSubscriptionIdentifiers(MqttMessageProperties properties, Mqtt5Publish publish,
			String topic) {
		if (this.callbacks.subscriptionsMayOverlap()) {
			List<Integer> identifiers = subscriptionIdentifiers(publish);
			return identifiers.isEmpty() ? properties
					: properties.toBuilder().subscriptionIdentifiers(identifiers).build();
		}
		String filter = this.callbacks.soleMatchingFilter(topic);
		Integer identifier = (filter != null) ? this.identifiersByFilter.get(filter) : null;
		if (identifier == null) {
			return properties;
		}
		if (properties == MqttMessageProperties.NONE) {
			MqttMessageProperties cached = this.identifiedOnly.get(identifier);
			if (cached == null) {
				cached = MqttMessageProperties.builder().subscriptionIdentifiers(List.of(identifier)).build();
				if (this.identifiedOnly.size() < MAX_CACHED_IDENTIFIERS) {
					this.identifiedOnly.put(identifier, cached);
				}
			}
			return cached;
		}
		return properties.toBuilder().subscriptionIdentifiers(List.of(identifier)).build();
	}

	/**
	 * Return the connection's identifiers of the subscriptions that this copy of a message
	 * was sent for, so that the connection dispatches each copy to its subscription only
	 * (a broker may send one copy per matching subscription); empty when they cannot be
	 * told, and the connection matches the topic against the filters instead.
	 */
	private List<Integer> subscriptionIdentifiers(Mqtt5Publish publish) {
		List<String> filters = this.subscriptionIdentifiers.filters(publish);
		if (filters == null) {
			return List.of();
		}
		List<Integer> identifiers = new ArrayList<>(filters.size());
		for (String filter : filters) {
			Integer identifier = this.identifiersByFilter.get(filter);
			if (identifier == null) {
				return List.of();
			}
			identifiers.add(identifier);
		}
		return identifiers;
	}

	@Override
	void acknowledgePublish(Mqtt5Publish publish) {
		publish.acknowledge();
	}

	Mqtt5Connect connectMessage() {
		Mqtt5ConnectBuilder builder = Mqtt5Connect.builder()
			.keepAlive((int) this.settings.getKeepAlive().toSeconds())
			.cleanStart(this.settings.isCleanStart())
			.sessionExpiryInterval(this.settings.getSessionExpiry().toSeconds());
		// outgoing topic aliases off, as with Paho: a resent message must carry its topic
		builder.restrictions(restrictions());
		String username = this.callbacks.connectUsername();
		byte[] password = this.callbacks.connectPassword();
		if (username != null || password != null) {
			Mqtt5SimpleAuthBuilder auth = Mqtt5SimpleAuth.builder();
			Mqtt5SimpleAuthBuilder.Complete complete = null;
			if (username != null) {
				complete = auth.username(username);
			}
			if (password != null) {
				complete = (complete != null) ? complete.password(password) : auth.password(password);
			}
			builder.simpleAuth(complete.build());
		}
		if (this.enhancedAuth != null) {
			builder.enhancedAuth(this.enhancedAuth);
		}
		MqttConnectionSettings.Will will = this.settings.getWill();
		if (will != null) {
			builder.willPublish(Mqtt5Publish.builder()
				.topic(will.topic())
				.payload(will.payload())
				.qos(MqttQos.fromCode(will.qos()))
				.retain(will.retain())
				.asWill()
				.build());
		}
		return builder.build();
	}

	@Override
	public boolean supportsEnhancedAuthentication() {
		return true;
	}

	@Override
	public CompletableFuture<Void> reauthenticate(HiveMqClients<Mqtt5AsyncClient> clients) {
		return clients.active().client().reauth();
	}

	private com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectRestrictions restrictions() {
		var builder = com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectRestrictions.builder()
			.sendTopicAliasMaximum(0)
			.maximumPacketSize((int) Math.min(this.settings.getMaxInboundPacketSize(),
					MqttBrokerLimits.PROTOCOL_MAXIMUM_PACKET_SIZE));
		if (this.settings.getReceiveMaximum() != null) {
			builder.receiveMaximum(this.settings.getReceiveMaximum());
		}
		return builder.build();
	}

	@Override
	CompletableFuture<Connected> sendConnect(Mqtt5AsyncClient client) {
		return client.connect(connectMessage())
			.thenApply((connAck) -> new Connected(connAck.isSessionPresent(), limits(connAck)));
	}

	static MqttBrokerLimits limits(Mqtt5ConnAck connAck) {
		Mqtt5ConnAckRestrictions restrictions = connAck.getRestrictions();
		return new MqttBrokerLimits(restrictions.getMaximumQos().getCode(), restrictions.getMaximumPacketSize(),
				restrictions.isRetainAvailable(), restrictions.isWildcardSubscriptionAvailable(),
				restrictions.isSharedSubscriptionAvailable(), restrictions.areSubscriptionIdentifiersAvailable(),
				restrictions.getReceiveMaximum(), restrictions.getTopicAliasMaximum(),
				connAck.getServerKeepAlive().orElse(-1));
	}

	@Override
	public void publish(HiveMqClients<Mqtt5AsyncClient> clients, MqttOutboundMessage message,
			CompletionCallback callback) {
		Mqtt5AsyncClient client = clients.active().client();
		requireConnected(client);
		client.publish(toHiveMq(message)).whenComplete((result, ex) -> {
			if (ex != null) {
				failed(callback, ex);
				return;
			}
			int code = reasonCode(result);
			if (code >= 0x80) {
				callback.completed(code);
			}
			else if (result.getError().isPresent()) {
				failed(callback, result.getError().get());
			}
			else {
				callback.completed(Math.max(code, 0));
			}
		});
	}

	private void failed(CompletionCallback callback, Throwable ex) {
		Throwable cause = unwrap(ex);
		int code = reasonCodeOf(cause);
		if (code >= 0x80) {
			callback.completed(code);
		}
		else {
			callback.failed(cause);
		}
	}

	private static int reasonCode(Mqtt5PublishResult result) {
		if (result instanceof Mqtt5PublishResult.Mqtt5Qos2CompleteResult complete) {
			int code = complete.getPubRec().getReasonCode().getCode();
			return (code >= 0x80) ? code : complete.getPubComp().getReasonCode().getCode();
		}
		if (result instanceof Mqtt5PublishResult.Mqtt5Qos2Result qos2) {
			return qos2.getPubRec().getReasonCode().getCode();
		}
		if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1) {
			return qos1.getPubAck().getReasonCode().getCode();
		}
		return 0;
	}

	static Mqtt5Publish toHiveMq(MqttOutboundMessage message) {
		Mqtt5PublishBuilder.Complete builder = Mqtt5Publish.builder()
			.topic(message.topic())
			.payload(message.payload())
			.qos(MqttQos.fromCode(message.qos()))
			.retain(message.retain());
		MqttMessageProperties properties = message.properties();
		if (properties.isEmpty()) {
			return builder.build();
		}
		if (properties.getContentType() != null) {
			builder.contentType(properties.getContentType());
		}
		if (properties.getResponseTopic() != null) {
			builder.responseTopic(properties.getResponseTopic());
		}
		if (properties.getCorrelationData() != null) {
			builder.correlationData(properties.getCorrelationData());
		}
		if (properties.getMessageExpiryInterval() != null) {
			builder.messageExpiryInterval(properties.getMessageExpiryInterval());
		}
		if (properties.getPayloadFormatUtf8() != null) {
			builder.payloadFormatIndicator(properties.getPayloadFormatUtf8() ? Mqtt5PayloadFormatIndicator.UTF_8
					: Mqtt5PayloadFormatIndicator.UNSPECIFIED);
		}
		if (!properties.getUserProperties().isEmpty()) {
			Mqtt5UserPropertiesBuilder user = Mqtt5UserProperties.builder();
			for (MqttUserProperty property : properties.getUserProperties()) {
				user.add(property.name(), property.value());
			}
			builder.userProperties(user.build());
		}
		return builder.build();
	}

	static MqttMessageProperties properties(Mqtt5Publish publish) {
		List<? extends Mqtt5UserProperty> user = publish.getUserProperties().asList();
		boolean utf8 = publish.getPayloadFormatIndicator().orElse(null) == Mqtt5PayloadFormatIndicator.UTF_8;
		if (publish.getContentType().isEmpty() && publish.getResponseTopic().isEmpty()
				&& publish.getCorrelationData().isEmpty() && publish.getMessageExpiryInterval().isEmpty() && user.isEmpty()
				&& !utf8) {
			return MqttMessageProperties.NONE;
		}
		MqttMessageProperties.Builder builder = MqttMessageProperties.builder();
		publish.getContentType().ifPresent((type) -> builder.contentType(type.toString()));
		publish.getCorrelationData().ifPresent((data) -> builder.correlationData(bytes(data)));
		if (publish.getMessageExpiryInterval().isPresent()) {
			builder.messageExpiryInterval(publish.getMessageExpiryInterval().getAsLong());
		}
		publish.getResponseTopic().ifPresent((topic) -> {
			try {
				builder.responseTopic(topic.toString());
			}
			catch (IllegalArgumentException ex) {
				// an invalid response topic from the wire is dropped: a reply could not be sent to it
			}
		});
		if (utf8) {
			builder.payloadFormatUtf8(true);
		}
		for (Mqtt5UserProperty property : user) {
			builder.userProperty(property.getName().toString(), property.getValue().toString());
		}
		return builder.build();
	}

	@Override
	public void subscribe(HiveMqClients<Mqtt5AsyncClient> clients, String filter, int qos, int subscriptionId,
			MqttSubscriptionOptions options, SubscribeCallback callback) {
		Mqtt5AsyncClient client = clients.active().client();
		if (subscriptionId > 0) {
			this.identifiersByFilter.put(filter, subscriptionId);
		}
		else {
			// a broker without subscription identifiers sends none for this filter
			this.identifiersByFilter.remove(filter);
		}
		Mqtt5Subscribe subscribe = Mqtt5Subscribe.builder()
			.topicFilter(filter)
			.qos(MqttQos.fromCode(qos))
			.noLocal(options.noLocal())
			.retainAsPublished(options.retainAsPublished())
			.retainHandling(Mqtt5RetainHandling.fromCode(options.retainHandling().code()))
			.build();
		client.subscribe(subscribe).whenComplete((subAck, ex) -> {
			if (ex == null) {
				int code = firstCode(subAck);
				callback.subscribed(code);
				if (code < 0x80 && !(HiveMqSubscriptionIdentifiers.isAvailable()
						&& this.callbacks.brokerLimits().subscriptionIdentifiersAvailable())) {
					warnAboutOverlaps(filter);
				}
				return;
			}
			Throwable cause = unwrap(ex);
			if (cause instanceof Mqtt5SubAckException refused) {
				callback.subscribed(firstCode(refused.getMqttMessage()));
			}
			else {
				callback.failed(cause);
			}
		});
	}

	/**
	 * Warn, once per pair of filters, that a granted filter overlaps another granted filter
	 * of this connection while the subscription identifiers that tell copies apart cannot
	 * be read (a broker without them, or a HiveMQ client whose internals changed: the client
	 * does not expose them, hivemq-mqtt-client#596). Brokers that send MQTT 5 clients one
	 * copy per matching subscription (mosquitto, EMQX) then deliver a message several
	 * times.
	 */
	private void warnAboutOverlaps(String filter) {
		List<String> overlapping = new ArrayList<>();
		for (SubscriptionState other : this.callbacks.subscriptions()) {
			MqttSubscriptionResult result = other.result();
			if (!other.filter().equals(filter) && result != null && result.isGranted() && overlap(filter, other.filter())
					&& this.reportedOverlaps.add(pair(filter, other.filter()))) {
				overlapping.add(other.filter());
			}
		}
		if (!overlapping.isEmpty()) {
			this.logger.warn("The MQTT 5 subscription '" + filter + "' of client '" + this.settings.getClientId() + "' overlaps "
					+ overlapping + ": with mqtt.client-library=hivemq, a broker that sends one copy per matching "
					+ "subscription (such as mosquitto) delivers a message on a topic that several of these filters match "
					+ "once per matching filter to each of their listeners, because "
					+ (HiveMqSubscriptionIdentifiers.isAvailable() ? "the broker does not support subscription identifiers"
							: "the subscription identifiers cannot be read from this HiveMQ MQTT client version")
					+ ". Use MQTT 3.1.1 or filters that do not overlap");
		}
	}

	private static String pair(String first, String second) {
		return (first.compareTo(second) < 0) ? first + "\n" + second : second + "\n" + first;
	}

	/**
	 * Return whether some topic name matches both filters; a shared subscription is
	 * compared without its {@code $share/<group>/} prefix.
	 */
	static boolean overlap(String first, String second) {
		return SubscriptionRegistry.overlap(first, second);
	}

	private static int firstCode(Mqtt5SubAck subAck) {
		return subAck.getReasonCodes().isEmpty() ? 0x80 : subAck.getReasonCodes().get(0).getCode();
	}

	@Override
	public void unsubscribe(HiveMqClients<Mqtt5AsyncClient> clients, String filter, CompletionCallback callback) {
		clients.active().client().unsubscribeWith().topicFilter(filter).send().whenComplete(completing(callback));
	}

	@Override
	CompletableFuture<Void> sendDisconnect(Mqtt5AsyncClient client) {
		return client.disconnect();
	}

	@Override
	String describeDisconnect(Throwable cause) {
		if (cause instanceof Mqtt5DisconnectException disconnect) {
			Mqtt5Disconnect message = disconnect.getMqttMessage();
			return "disconnected by the broker: " + MqttReasonCodes.describe(message.getReasonCode().getCode())
					+ message.getReasonString().map((reason) -> " - " + reason).orElse("");
		}
		return describe(cause);
	}

	@Override
	public int reasonCodeOf(Throwable ex) {
		Throwable cause = unwrap(ex);
		if (cause instanceof Mqtt5ConnAckException connAck) {
			return connAck.getMqttMessage().getReasonCode().getCode();
		}
		if (cause instanceof Mqtt5DisconnectException disconnect) {
			return disconnect.getMqttMessage().getReasonCode().getCode();
		}
		if (cause instanceof Mqtt5PubAckException pubAck) {
			return pubAck.getMqttMessage().getReasonCode().getCode();
		}
		if (cause instanceof Mqtt5PubRecException pubRec) {
			return pubRec.getMqttMessage().getReasonCode().getCode();
		}
		if (cause instanceof Mqtt5SubAckException subAck) {
			return firstCode(subAck.getMqttMessage());
		}
		if (cause instanceof Mqtt5UnsubAckException unsubAck && !unsubAck.getMqttMessage().getReasonCodes().isEmpty()) {
			return unsubAck.getMqttMessage().getReasonCodes().get(0).getCode();
		}
		return -1;
	}

}
