package dev.mqttspring.client;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnection.SubscriptionState;
import dev.mqttspring.core.MqttMessageProperties;

/**
 * How an {@link MqttClientAdapter} reports to its connection: incoming messages, a lost
 * connection, a failed client-library thread; and what it asks of it (the credentials of
 * the current connect attempt, the broker limits, the subscriptions). Internal.
 */
public interface MqttClientCallbacks {

	/**
	 * Dispatch an incoming message to every matching subscription; called on the client's
	 * delivery thread. Never throws.
	 */
	void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties);

	/**
	 * Dispatch an incoming message like {@link #dispatch(String, byte[], int, boolean,
	 * boolean, int, MqttMessageProperties)} and run {@code processed} when it is
	 * acknowledged (every matching listener is done with it), after the acknowledgement
	 * went to the client library. Never throws.
	 */
	void dispatch(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
			MqttMessageProperties properties, Runnable processed);

	/**
	 * Return whether an incoming message fits {@code mqtt.max-inbound-packet-size}; when it
	 * does not, count it for the listeners whose subscriptions match its topic and log it
	 * (never its payload). An adapter calls this before it converts the client library's
	 * message, and acknowledges a QoS 1/2 message it drops.
	 * @param topic the topic
	 * @param payloadSize the payload's size in bytes
	 * @param qos the QoS
	 * @return whether to deliver the message
	 */
	boolean acceptInbound(String topic, long payloadSize, int qos);

	/**
	 * Report that an established connection was lost or closed by the broker.
	 * @param cause the cause in words
	 * @param reasonCode the MQTT 5 reason code, or -1
	 */
	void connectionLost(String cause, int reasonCode);

	/**
	 * Report that an error (such as an {@link OutOfMemoryError}) escaped a thread of the
	 * client library that reads or delivers messages: the connection drops the client's
	 * connection and reconnects. Never throws.
	 * @param thread the name of the thread
	 * @param error what it threw
	 */
	void clientThreadFailed(String thread, Throwable error);

	/**
	 * Return the user name of the current connection attempt: the credentials provider's,
	 * else the settings'.
	 * @return the user name, or {@code null}
	 */
	@Nullable String connectUsername();

	/**
	 * Return the password of the current connection attempt: the credentials provider's,
	 * else the settings'.
	 * @return the password bytes, or {@code null}
	 */
	byte @Nullable [] connectPassword();

	/**
	 * Return the limits of the current connection, narrowed by configuration.
	 * @return the limits
	 */
	MqttBrokerLimits brokerLimits();

	/**
	 * Return the connection's subscriptions.
	 * @return the subscriptions and their state
	 */
	List<SubscriptionState> subscriptions();

	/**
	 * Whether two filters of the connection can match the same topic, so that a broker may
	 * send a message once per matching subscription and the copies are told apart by their
	 * subscription identifiers. When not, an adapter that must work to read the
	 * identifiers can take them from {@link #soleMatchingFilter(String)} instead.
	 * @return whether filters overlap
	 */
	boolean subscriptionsMayOverlap();

	/**
	 * Return the one filter of the connection that a topic matches.
	 * @param topic the topic
	 * @return the filter, {@code null} when none or several match
	 */
	@Nullable String soleMatchingFilter(String topic);

}
