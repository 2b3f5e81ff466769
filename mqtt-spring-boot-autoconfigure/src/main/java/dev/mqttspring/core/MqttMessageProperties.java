package dev.mqttspring.core;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * MQTT 5 publish properties of a message. Ignored when the connection speaks MQTT 3.1.1.
 *
 * @author mqtt-spring-boot
 */
public final class MqttMessageProperties {

	/**
	 * Properties with nothing set.
	 */
	public static final MqttMessageProperties NONE = builder().build();

	private final @Nullable String contentType;

	private final @Nullable String responseTopic;

	private final byte @Nullable [] correlationData;

	private final @Nullable Long messageExpiryInterval;

	private final @Nullable Boolean payloadFormatUtf8;

	private final List<MqttUserProperty> userProperties;

	private final List<Integer> subscriptionIdentifiers;

	private MqttMessageProperties(Builder builder) {
		this.contentType = builder.contentType;
		this.responseTopic = builder.responseTopic;
		this.correlationData = builder.correlationData;
		this.messageExpiryInterval = builder.messageExpiryInterval;
		this.payloadFormatUtf8 = builder.payloadFormatUtf8;
		this.userProperties = List.copyOf(builder.userProperties);
		this.subscriptionIdentifiers = List.copyOf(builder.subscriptionIdentifiers);
	}

	/**
	 * Return the content type (a MIME type such as {@code application/json}).
	 * @return the content type or {@code null}
	 */
	public @Nullable String getContentType() {
		return this.contentType;
	}

	/**
	 * Return the response topic a reply should be published to.
	 * @return the response topic or {@code null}
	 */
	public @Nullable String getResponseTopic() {
		return this.responseTopic;
	}

	/**
	 * Return the correlation data that ties a reply to its request.
	 * @return the correlation data or {@code null}
	 */
	public byte @Nullable [] getCorrelationData() {
		return (this.correlationData != null) ? this.correlationData.clone() : null;
	}

	/**
	 * Return the message expiry interval in seconds.
	 * @return the expiry interval or {@code null}
	 */
	public @Nullable Long getMessageExpiryInterval() {
		return this.messageExpiryInterval;
	}

	/**
	 * Return whether the payload is declared UTF-8 text ({@code true}), unspecified bytes
	 * ({@code false}), or not declared ({@code null}).
	 * @return the payload format indicator
	 */
	public @Nullable Boolean getPayloadFormatUtf8() {
		return this.payloadFormatUtf8;
	}

	/**
	 * Return the user properties in order.
	 * @return the user properties, never {@code null}
	 */
	public List<MqttUserProperty> getUserProperties() {
		return this.userProperties;
	}

	/**
	 * Return the first value of a user property.
	 * @param name the property name
	 * @return the value or {@code null}
	 */
	public @Nullable String getUserProperty(String name) {
		for (MqttUserProperty property : this.userProperties) {
			if (property.name().equals(name)) {
				return property.value();
			}
		}
		return null;
	}

	/**
	 * Return the subscription identifiers of an incoming message.
	 * @return the subscription identifiers, never {@code null}
	 */
	public List<Integer> getSubscriptionIdentifiers() {
		return this.subscriptionIdentifiers;
	}

	/**
	 * Return whether no property is set.
	 * @return whether the properties are empty
	 */
	public boolean isEmpty() {
		return this.contentType == null && this.responseTopic == null && this.correlationData == null
				&& this.messageExpiryInterval == null && this.payloadFormatUtf8 == null && this.userProperties.isEmpty()
				&& this.subscriptionIdentifiers.isEmpty();
	}

	/**
	 * Return a builder initialized with these properties.
	 * @return a builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.contentType = this.contentType;
		builder.responseTopic = this.responseTopic;
		builder.correlationData = this.correlationData;
		builder.messageExpiryInterval = this.messageExpiryInterval;
		builder.payloadFormatUtf8 = this.payloadFormatUtf8;
		builder.userProperties.addAll(this.userProperties);
		builder.subscriptionIdentifiers.addAll(this.subscriptionIdentifiers);
		return builder;
	}

	/**
	 * Return a new builder.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String toString() {
		return "MqttMessageProperties{contentType=" + this.contentType + ", responseTopic=" + this.responseTopic
				+ ", correlationData=" + ((this.correlationData != null) ? this.correlationData.length + " bytes" : null)
				+ ", messageExpiryInterval=" + this.messageExpiryInterval + ", payloadFormatUtf8=" + this.payloadFormatUtf8
				+ ", userProperties=" + this.userProperties + ", subscriptionIdentifiers=" + this.subscriptionIdentifiers + "}";
	}

	/**
	 * Builder for {@link MqttMessageProperties}.
	 */
	public static final class Builder {

		private @Nullable String contentType;

		private @Nullable String responseTopic;

		private byte @Nullable [] correlationData;

		private @Nullable Long messageExpiryInterval;

		private @Nullable Boolean payloadFormatUtf8;

		private final List<MqttUserProperty> userProperties = new ArrayList<>();

		private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Set the content type.
		 * @param contentType the content type
		 * @return this builder
		 */
		public Builder contentType(@Nullable String contentType) {
			this.contentType = contentType;
			return this;
		}

		/**
		 * Set the response topic; it must be a valid topic name.
		 * @param responseTopic the response topic
		 * @return this builder
		 */
		public Builder responseTopic(@Nullable String responseTopic) {
			if (responseTopic != null) {
				MqttTopics.validateTopicName(responseTopic);
			}
			this.responseTopic = responseTopic;
			return this;
		}

		/**
		 * Set the correlation data.
		 * @param correlationData the correlation data
		 * @return this builder
		 */
		public Builder correlationData(byte @Nullable [] correlationData) {
			this.correlationData = (correlationData != null) ? correlationData.clone() : null;
			return this;
		}

		/**
		 * Set the message expiry interval in seconds.
		 * @param seconds the interval, zero or more
		 * @return this builder
		 */
		public Builder messageExpiryInterval(@Nullable Long seconds) {
			if (seconds != null && (seconds < 0 || seconds > 0xFFFFFFFFL)) {
				throw new IllegalArgumentException("Message expiry interval " + seconds
						+ " is out of range; use 0 to 4294967295 seconds");
			}
			this.messageExpiryInterval = seconds;
			return this;
		}

		/**
		 * Set the payload format indicator.
		 * @param utf8 whether the payload is UTF-8 text
		 * @return this builder
		 */
		public Builder payloadFormatUtf8(@Nullable Boolean utf8) {
			this.payloadFormatUtf8 = utf8;
			return this;
		}

		/**
		 * Add a user property.
		 * @param name the name
		 * @param value the value
		 * @return this builder
		 */
		public Builder userProperty(String name, String value) {
			this.userProperties.add(new MqttUserProperty(name, value));
			return this;
		}

		/**
		 * Add user properties.
		 * @param properties the properties
		 * @return this builder
		 */
		public Builder userProperties(List<MqttUserProperty> properties) {
			this.userProperties.addAll(properties);
			return this;
		}

		/**
		 * Set the subscription identifiers (incoming messages only).
		 * @param identifiers the identifiers
		 * @return this builder
		 */
		public Builder subscriptionIdentifiers(List<Integer> identifiers) {
			this.subscriptionIdentifiers.clear();
			this.subscriptionIdentifiers.addAll(identifiers);
			return this;
		}

		/**
		 * Build the properties.
		 * @return the properties
		 */
		public MqttMessageProperties build() {
			return new MqttMessageProperties(this);
		}

	}

}
