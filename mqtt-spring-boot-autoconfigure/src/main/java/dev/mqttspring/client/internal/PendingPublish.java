package dev.mqttspring.client.internal;

import java.util.concurrent.CompletableFuture;

import dev.mqttspring.core.MqttOutboundMessage;

/**
 * A publish and its future. Identity matters, not content: two publishes of equal
 * messages are two publishes (and identity hashing keeps the completion path from
 * hashing the message).
 */
final class PendingPublish {

	final MqttOutboundMessage message;

	final CompletableFuture<Void> future;

	/**
	 * The bytes counted against mqtt.offline-buffer-memory: payload and topic.
	 */
	final long bytes;

	/** The record in the outbox; -1 without one. */
	volatile long outboxId = -1;

	PendingPublish(MqttOutboundMessage message, CompletableFuture<Void> future) {
		this.message = message;
		this.future = future;
		this.bytes = (long) message.payload().length + message.topic().length();
	}

}
