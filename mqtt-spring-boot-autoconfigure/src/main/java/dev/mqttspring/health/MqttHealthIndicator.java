package dev.mqttspring.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttConnectionState;
import dev.mqttspring.core.MqttSubscriptionResult;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.core.MqttVersion;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator HealthIndicator} for
 * the MQTT connection: {@code UP} when connected, {@code DOWN} with the last cause in
 * words when not, and a configurable status (by default {@code OUT_OF_SERVICE}) when the
 * broker refused a subscription.
 * <p>
 * Details: the connected URL and the configured URLs, client id, MQTT version, session
 * present, reconnect count, the broker's limits from CONNACK, subscriptions with their
 * granted QoS and refused ones with the reason. Credentials are never shown: user info in
 * URLs and in failure texts is masked.
 *
 * @author mqtt-spring-boot
 */
public class MqttHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Detail of a shared subscription on an MQTT 3.1.1 connection: the broker cannot
	 * announce whether it supports shared subscriptions.
	 */
	static final String UNVERIFIED_SHARED_SUBSCRIPTION = "unverified: MQTT 3.1.1 cannot announce shared subscription "
			+ "support; a broker without it (RabbitMQ's MQTT plugin) grants the filter literally and the listeners "
			+ "receive nothing. Check that they receive messages, or use MQTT 5";

	private final MqttConnection connection;

	private final Status refusedSubscriptionStatus;

	/**
	 * Create a new indicator that reports refused subscriptions as
	 * {@link Status#OUT_OF_SERVICE}.
	 * @param connection the connection
	 */
	public MqttHealthIndicator(MqttConnection connection) {
		this(connection, Status.OUT_OF_SERVICE);
	}

	/**
	 * Create a new indicator.
	 * @param connection the connection
	 * @param refusedSubscriptionStatus the status while connected and a subscription is
	 * refused by the broker
	 */
	public MqttHealthIndicator(MqttConnection connection, Status refusedSubscriptionStatus) {
		super("MQTT health check failed");
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(refusedSubscriptionStatus, "'refusedSubscriptionStatus' must not be null");
		this.connection = connection;
		this.refusedSubscriptionStatus = refusedSubscriptionStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		MqttConnection connection = this.connection;
		MqttConnectionState state = connection.getState();
		List<Map<String, Object>> granted = new ArrayList<>();
		List<Map<String, Object>> refused = new ArrayList<>();
		for (SubscriptionState subscription : connection.getSubscriptions()) {
			MqttSubscriptionResult result = subscription.result();
			if (result != null && !result.isGranted()) {
				refused.add(refused(subscription, result));
			}
			else {
				Map<String, Object> details = granted(subscription, result);
				if (connection.getVersion() == MqttVersion.V3_1_1 && MqttTopics.isShared(subscription.filter())) {
					details.put("sharedSubscription", UNVERIFIED_SHARED_SUBSCRIPTION);
				}
				granted.add(details);
			}
		}
		if (state != MqttConnectionState.CONNECTED) {
			builder.down();
		}
		else if (!refused.isEmpty()) {
			builder.status(this.refusedSubscriptionStatus);
		}
		else {
			builder.up();
		}
		builder.withDetail("state", state.name());
		String connectedUri = MqttUriSanitizer.sanitize(connection.getConnectedServerUri());
		if (connectedUri != null) {
			builder.withDetail("url", connectedUri);
		}
		builder.withDetail("urls", MqttUriSanitizer.sanitize(connection.getServerUris()));
		String failure = MqttUriSanitizer.sanitize(connection.getLastFailure());
		if (state != MqttConnectionState.CONNECTED) {
			builder.withDetail("error", (failure != null) ? failure : notConnected(state));
		}
		builder.withDetail("since", connection.getStateChangedAt().toString());
		builder.withDetail("clientId", connection.getClientId());
		builder.withDetail("version", connection.getVersion().label());
		builder.withDetail("sessionPresent", connection.isSessionPresent());
		builder.withDetail("reconnects", connection.getReconnectCount());
		if (state == MqttConnectionState.CONNECTED) {
			// what the broker announced in its CONNACK: none before one arrived
			builder.withDetail("brokerLimits", limits(connection.getBrokerLimits()));
		}
		builder.withDetail("subscriptions", granted);
		if (!refused.isEmpty()) {
			builder.withDetail("refusedSubscriptions", refused);
		}
	}

	private static String notConnected(MqttConnectionState state) {
		return switch (state) {
			case STOPPED -> "connection is stopped";
			case CONNECTING -> "connecting";
			default -> "not connected";
		};
	}

	/**
	 * Return the broker limits as health details.
	 * @param limits the limits
	 * @return the details in a stable order
	 */
	static Map<String, Object> limits(MqttBrokerLimits limits) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("maximumQos", limits.maximumQos());
		details.put("maximumPacketSize", limits.maximumPacketSize());
		details.put("retainAvailable", limits.retainAvailable());
		details.put("wildcardSubscriptionAvailable", limits.wildcardSubscriptionAvailable());
		details.put("sharedSubscriptionAvailable", limits.sharedSubscriptionAvailable());
		details.put("subscriptionIdentifiersAvailable", limits.subscriptionIdentifiersAvailable());
		details.put("receiveMaximum", limits.receiveMaximum());
		details.put("topicAliasMaximum", limits.topicAliasMaximum());
		if (limits.serverKeepAliveSeconds() >= 0) {
			details.put("serverKeepAliveSeconds", limits.serverKeepAliveSeconds());
		}
		return details;
	}

	private static Map<String, Object> granted(SubscriptionState subscription, @Nullable MqttSubscriptionResult result) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("filter", subscription.filter());
		details.put("requestedQos", subscription.requestedQos());
		if (result == null) {
			details.put("status", "pending");
		}
		else {
			details.put("grantedQos", result.grantedQos());
			if (result.isDowngraded()) {
				details.put("reason", result.reason());
			}
		}
		details.put("listeners", subscription.owners());
		return details;
	}

	private static Map<String, Object> refused(SubscriptionState subscription, MqttSubscriptionResult result) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("filter", subscription.filter());
		details.put("requestedQos", subscription.requestedQos());
		details.put("reasonCode", String.format("0x%02X", result.reasonCode()));
		details.put("reason", result.reason());
		details.put("listeners", subscription.owners());
		return details;
	}

}
