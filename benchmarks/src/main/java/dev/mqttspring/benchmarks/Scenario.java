package dev.mqttspring.benchmarks;

/**
 * One throughput scenario: a QoS, a payload size and a message count.
 *
 * @param qos the QoS
 * @param payloadSize the payload size in bytes
 * @param count the number of messages
 */
record Scenario(int qos, int payloadSize, int count) {

	String key() {
		return "qos" + this.qos + "-" + sizeLabel().replace(" ", "");
	}

	String label() {
		return "QoS " + this.qos + ", " + count(this.count) + " x " + sizeLabel();
	}

	String sizeLabel() {
		return (this.payloadSize % 1024 == 0) ? (this.payloadSize / 1024) + " KiB" : this.payloadSize + " B";
	}

	private static String count(int count) {
		return (count % 1000 == 0) ? (count / 1000) + "k" : Integer.toString(count);
	}

}
