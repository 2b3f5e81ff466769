package dev.mqttspring.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;

/**
 * Minimal MQTT 3.1.1 client over a raw socket, just enough to probe a broker in tests.
 */
final class RawMqtt implements AutoCloseable {

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private RawMqtt(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setSoTimeout(5_000);
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	static RawMqtt open(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
		return new RawMqtt(socket);
	}

	static RawMqtt openTls(SSLContext context, int port) throws IOException {
		Socket socket = context.getSocketFactory().createSocket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
		return new RawMqtt(socket);
	}

	Socket socket() {
		return this.socket;
	}

	/** Sends CONNECT (clean session, keep-alive 60 s) and returns the CONNACK return code. */
	int connect(String clientId, String username, String password) throws IOException {
		sendConnect(clientId, username, password);
		return readConnack();
	}

	void sendConnect(String clientId, String username, String password) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		writeString(body, "MQTT");
		body.write(4);
		int flags = 0x02;
		if (username != null) {
			flags |= 0x80;
		}
		if (password != null) {
			flags |= 0x40;
		}
		body.write(flags);
		body.write(0);
		body.write(60);
		writeString(body, clientId);
		if (username != null) {
			writeString(body, username);
		}
		if (password != null) {
			writeString(body, password);
		}
		send(0x10, body.toByteArray());
	}

	int readConnack() throws IOException {
		int header = this.in.readUnsignedByte();
		int length = this.in.readUnsignedByte();
		if (header != 0x20 || length != 2) {
			throw new IOException("Expected CONNACK but got header 0x" + Integer.toHexString(header) + " length "
					+ length);
		}
		this.in.readUnsignedByte();
		return this.in.readUnsignedByte();
	}

	/** Subscribes with QoS 0 and returns the SUBACK return code. */
	int subscribe(String topic) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(0);
		body.write(1);
		writeString(body, topic);
		body.write(0);
		send(0x82, body.toByteArray());
		int header = this.in.readUnsignedByte();
		int length = readRemainingLength();
		byte[] payload = this.in.readNBytes(length);
		if (header != 0x90 || length != 3) {
			throw new IOException("Expected SUBACK but got header 0x" + Integer.toHexString(header));
		}
		return payload[2] & 0xFF;
	}

	void publish(String topic, String message, boolean retain) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		writeString(body, topic);
		body.write(message.getBytes(StandardCharsets.UTF_8));
		send(retain ? 0x31 : 0x30, body.toByteArray());
	}

	/** Waits for a QoS 0 PUBLISH and returns "topic=payload", or null if none arrives in time. */
	String receive(int timeoutMillis) throws IOException {
		int previous = this.socket.getSoTimeout();
		this.socket.setSoTimeout(timeoutMillis);
		try {
			int header = this.in.readUnsignedByte();
			int length = readRemainingLength();
			byte[] packet = this.in.readNBytes(length);
			if ((header & 0xF0) != 0x30) {
				throw new IOException("Expected PUBLISH but got header 0x" + Integer.toHexString(header));
			}
			int topicLength = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
			String topic = new String(packet, 2, topicLength, StandardCharsets.UTF_8);
			String payload = new String(packet, 2 + topicLength, packet.length - 2 - topicLength, StandardCharsets.UTF_8);
			return topic + "=" + payload;
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
		finally {
			this.socket.setSoTimeout(previous);
		}
	}

	private void send(int header, byte[] body) throws IOException {
		ByteArrayOutputStream packet = new ByteArrayOutputStream();
		packet.write(header);
		int length = body.length;
		do {
			int digit = length % 128;
			length /= 128;
			packet.write((length > 0) ? digit | 0x80 : digit);
		}
		while (length > 0);
		packet.write(body);
		this.out.write(packet.toByteArray());
		this.out.flush();
	}

	private int readRemainingLength() throws IOException {
		int value = 0;
		int multiplier = 1;
		int digit;
		do {
			digit = this.in.readUnsignedByte();
			value += (digit & 0x7F) * multiplier;
			multiplier *= 128;
		}
		while ((digit & 0x80) != 0);
		return value;
	}

	private static void writeString(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.write(bytes.length >> 8);
		out.write(bytes.length & 0xFF);
		out.writeBytes(bytes);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
