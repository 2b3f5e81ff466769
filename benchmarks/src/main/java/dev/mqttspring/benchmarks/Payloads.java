package dev.mqttspring.benchmarks;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Benchmark payloads: a big-endian sequence number (bytes 0-7) and the publisher's
 * {@link System#nanoTime()} (bytes 8-15), followed by filler up to the payload size.
 */
final class Payloads {

	static final int HEADER = 16;

	private final byte[] template;

	Payloads(int size) {
		if (size < HEADER) {
			throw new IllegalArgumentException("Payload size " + size + " is too small; at least " + HEADER
					+ " bytes are needed for the sequence number and the send time");
		}
		this.template = new byte[size];
		Arrays.fill(this.template, (byte) 'x');
	}

	int size() {
		return this.template.length;
	}

	/**
	 * Create a fresh payload (clients may keep the array until the publish is
	 * acknowledged, so it is never reused).
	 * @param sequence the sequence number
	 * @return the payload
	 */
	byte[] create(long sequence) {
		byte[] payload = this.template.clone();
		putLong(payload, 0, sequence);
		putLong(payload, 8, System.nanoTime());
		return payload;
	}

	static long sequence(byte[] payload) {
		return getLong(payload, 0);
	}

	static long sentNanos(byte[] payload) {
		return getLong(payload, 8);
	}

	static long sequence(ByteBuffer payload) {
		return payload.getLong(payload.position());
	}

	static long sentNanos(ByteBuffer payload) {
		return payload.getLong(payload.position() + 8);
	}

	private static void putLong(byte[] bytes, int offset, long value) {
		for (int i = 7; i >= 0; i--) {
			bytes[offset + i] = (byte) value;
			value >>>= 8;
		}
	}

	private static long getLong(byte[] bytes, int offset) {
		if (bytes.length < offset + 8) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < 8; i++) {
			value = (value << 8) | (bytes[offset + i] & 0xFF);
		}
		return value;
	}

}
