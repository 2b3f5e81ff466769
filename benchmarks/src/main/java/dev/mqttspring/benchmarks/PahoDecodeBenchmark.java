package dev.mqttspring.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why raw Paho (and so the starter's Paho backend) receives 4 KiB messages so slowly: the
 * decoding of one incoming PUBLISH on Paho's receiver thread, exactly as
 * {@code MqttInputStream.readMqttWireMessage} does it after reading the packet
 * ({@code MqttWireMessage.createWireMessage(byte[])}). Paho copies the packet twice through
 * a {@code DataInputStream} over its {@code CountingInputStream}, which implements only
 * {@code read()}: every byte is one virtual call into the synchronized
 * {@code ByteArrayInputStream.read()}. {@code copy} is what copying the same bytes in bulk
 * costs. Neither the decoder nor the stream it reads is pluggable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PahoDecodeBenchmark {

	@Param({ "100", "4096" })
	int payloadBytes;

	private byte[] packet;

	@Setup
	public void setUp() throws Exception {
		MqttPublish publish = new MqttPublish("bench/decode/topic",
				new MqttMessage(new byte[this.payloadBytes], 1, false, new MqttProperties()), new MqttProperties());
		publish.setMessageId(42);
		byte[] header = publish.getHeader();
		byte[] payload = publish.getPayload();
		this.packet = Arrays.copyOf(header, header.length + payload.length);
		System.arraycopy(payload, 0, this.packet, header.length, payload.length);
	}

	@Benchmark
	public Object decode() throws Exception {
		return MqttWireMessage.createWireMessage(this.packet);
	}

	@Benchmark
	public Object copy() {
		return Arrays.copyOf(Arrays.copyOf(this.packet, this.packet.length), this.packet.length);
	}

}
