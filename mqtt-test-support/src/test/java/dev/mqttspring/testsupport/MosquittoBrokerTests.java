package dev.mqttspring.testsupport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link MosquittoBroker}.
 */
class MosquittoBrokerTests {

	@TempDir
	static Path certificateDirectory;

	static TestCertificates certificates;

	@BeforeAll
	static void generateCertificates() {
		certificates = TestCertificates.generate(certificateDirectory);
	}

	@Test
	void startsOnFreeLoopbackPortAndAnswersConnect() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			assertThat(broker.isRunning()).isTrue();
			assertThat(broker.port()).isPositive().isNotEqualTo(1883);
			assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + broker.port());
			assertThat(broker.pid()).isPositive();
			assertThat(broker.configFile()).content().contains("listener " + broker.port() + " 127.0.0.1");
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("probe", null, null)).isZero();
			}
			assertThat(broker.log()).contains("mosquitto version", "running");
		}
	}

	@Test
	void rawConnectGetsExactConnackBytes() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().start();
				Socket socket = new Socket("127.0.0.1", broker.port())) {
			socket.setSoTimeout(5_000);
			byte[] connect = { 0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x04, 'r',
					'a', 'w', '1' };
			socket.getOutputStream().write(connect);
			assertThat(socket.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
		}
	}

	@Test
	void mosquittoCommandLineClientsWorkThroughBroker() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/mosquitto_pub"))
				&& Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")), "mosquitto_pub/mosquitto_sub not installed");
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String port = Integer.toString(broker.port());
			Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "cli/test", "-m",
					"hello", "-r").redirectErrorStream(true).start();
			assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();
			Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", "cli/test", "-C",
					"1", "-W", "10").start();
			assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
			assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("hello");
		}
	}

	@Test
	void stopKillAndRestartReuseTheSamePort() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			int port = broker.port();
			broker.stop();
			assertThat(broker.isRunning()).isFalse();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> RawMqtt.open(port));
			broker.restart();
			assertThat(broker.port()).isEqualTo(port);
			try (RawMqtt client = RawMqtt.open(port)) {
				assertThat(client.connect("after-restart", null, null)).isZero();
			}
			long firstPid = broker.pid();
			broker.kill();
			assertThat(broker.isRunning()).isFalse();
			broker.restart();
			assertThat(broker.pid()).isNotEqualTo(firstPid);
			try (RawMqtt client = RawMqtt.open(port)) {
				assertThat(client.connect("after-kill", null, null)).isZero();
			}
			broker.restart();
			assertThat(broker.port()).isEqualTo(port);
			assertThat(broker.isRunning()).isTrue();
		}
	}

	@Test
	void stopRightAfterStartIsGraceful() {
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
			broker.stop();
			assertThat(broker.log()).contains("running", "terminating", "Saving in-memory database")
				.doesNotContain("Error");
		}
	}

	@Test
	void explicitPortIsUsed() throws IOException {
		int port = FreePorts.find();
		try (MosquittoBroker broker = MosquittoBroker.builder().port(port).start();
				RawMqtt client = RawMqtt.open(port)) {
			assertThat(broker.port()).isEqualTo(port);
			assertThat(client.connect("explicit", null, null)).isZero();
		}
	}

	@Test
	void persistedRetainedMessageSurvivesRestart() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).autosaveInterval(60).start()) {
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("publisher", null, null)).isZero();
				client.publish("persisted/topic", "kept", true);
			}
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				// a round trip guarantees the retained message has been processed before the stop
				assertThat(client.connect("check", null, null)).isZero();
				assertThat(client.subscribe("persisted/topic")).isZero();
				assertThat(client.receive(5_000)).isEqualTo("persisted/topic=kept");
			}
			broker.restart();
			assertThat(broker.log()).contains("Saving in-memory database").doesNotContain("Error saving");
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("subscriber", null, null)).isZero();
				assertThat(client.subscribe("persisted/topic")).isZero();
				assertThat(client.receive(5_000)).isEqualTo("persisted/topic=kept");
			}
		}
	}

	@Test
	void pauseFreezesAndResumeContinues() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			broker.pause();
			assertThat(broker.isPaused()).isTrue();
			assertThat(broker.isRunning()).isTrue();
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				client.sendConnect("frozen", null, null);
				client.socket().setSoTimeout(300);
				assertThatExceptionOfType(java.net.SocketTimeoutException.class).isThrownBy(client::readConnack);
				broker.resume();
				assertThat(broker.isPaused()).isFalse();
				client.socket().setSoTimeout(5_000);
				assertThat(client.readConnack()).isZero();
			}
		}
	}

	@Test
	void closeStopsPausedBrokerAndDeletesDirectory() {
		MosquittoBroker broker = MosquittoBroker.builder().start();
		Path directory = broker.directory();
		int port = broker.port();
		broker.pause();
		broker.close();
		assertThat(broker.isRunning()).isFalse();
		assertThat(directory).doesNotExist();
		assertThat(FreePorts.isBindable(port)).isTrue();
	}

	@Test
	void passwordFileRejectsWrongPasswordAndAcceptsRightOne() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.user("alice", "s3cret")
			.user("bob", "pässwörd with spaces")
			.start()) {
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("c1", "alice", "wrong")).isEqualTo(5);
			}
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("c2", null, null)).as("anonymous").isEqualTo(5);
			}
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("c3", "alice", "s3cret")).isZero();
			}
			try (RawMqtt client = RawMqtt.open(broker.port())) {
				assertThat(client.connect("c4", "bob", "pässwörd with spaces")).isZero();
			}
		}
	}

	@Test
	void aclRestrictsTopics() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.user("alice", "pw")
			.acl("user alice\ntopic readwrite allowed/#\n")
			.start(); RawMqtt client = RawMqtt.open(broker.port())) {
			assertThat(client.connect("acl", "alice", "pw")).isZero();
			client.subscribe("allowed/topic");
			client.subscribe("denied/topic");
			client.publish("denied/topic", "no", false);
			client.publish("allowed/topic", "yes", false);
			assertThat(client.receive(5_000)).isEqualTo("allowed/topic=yes");
			assertThat(client.receive(200)).isNull();
		}
	}

	@Test
	void tlsListenerHandshakesWithTrustedCaAndFailsWithUntrustedCa() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.start()) {
			assertThat(broker.sslUrl()).isEqualTo("ssl://127.0.0.1:" + broker.tlsPort());
			assertThat(broker.tlsPort()).isNotEqualTo(broker.port());
			try (RawMqtt client = RawMqtt.openTls(TestCertificates.sslContext(certificates.caCertificate()),
					broker.tlsPort())) {
				SSLSocket socket = (SSLSocket) client.socket();
				SSLParameters parameters = socket.getSSLParameters();
				parameters.setEndpointIdentificationAlgorithm("HTTPS");
				socket.setSSLParameters(parameters);
				socket.startHandshake();
				assertThat(client.connect("tls", null, null)).isZero();
			}
			try (RawMqtt client = RawMqtt.openTls(TestCertificates.sslContext(certificates.untrustedCaCertificate()),
					broker.tlsPort())) {
				assertThatExceptionOfType(SSLException.class).isThrownBy(() -> ((SSLSocket) client.socket()).startHandshake());
			}
		}
	}

	@Test
	void tlsListenerWithWrongHostCertificateFailsHostnameVerification() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.wrongHostCertificate(), certificates.wrongHostPrivateKey())
			.start();
				RawMqtt client = RawMqtt.openTls(TestCertificates.sslContext(certificates.caCertificate()),
						broker.tlsPort())) {
			SSLSocket socket = (SSLSocket) client.socket();
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			assertThatExceptionOfType(SSLException.class).isThrownBy(socket::startHandshake)
				.withMessageContaining("127.0.0.1");
		}
	}

	@Test
	void tlsListenerRequiringClientCertificate() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.requireClientCertificate(true)
			.start()) {
			try (RawMqtt client = RawMqtt.openTls(TestCertificates.sslContext(certificates.caCertificate(),
					certificates.clientCertificate(), certificates.clientPrivateKey()), broker.tlsPort())) {
				assertThat(client.connect("mtls", null, null)).isZero();
			}
			try (RawMqtt client = RawMqtt.openTls(TestCertificates.sslContext(certificates.caCertificate()),
					broker.tlsPort())) {
				// with TLS 1.3 the rejection of a missing client certificate surfaces after the client's handshake
				assertThatThrownBy(() -> client.connect("no-cert", null, null)).isInstanceOf(IOException.class);
			}
		}
	}

	@Test
	void invalidConfigurationFailsWithLog() {
		MosquittoBroker broker = MosquittoBroker.builder().config("no_such_option 42").build();
		try {
			assertThatIllegalStateException().isThrownBy(broker::start)
				.withMessageContaining("exited")
				.withMessageContaining("no_such_option");
		}
		finally {
			broker.close();
		}
	}

	@Test
	void accessorsBeforeStartFail() {
		MosquittoBroker broker = MosquittoBroker.builder().build();
		assertThatIllegalStateException().isThrownBy(broker::port).withMessageContaining("start()");
		assertThatIllegalStateException().isThrownBy(broker::pid);
		broker.close();
	}

	@Test
	void tlsPortWithoutTlsFails() {
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			assertThatIllegalStateException().isThrownBy(broker::tlsPort).withMessageContaining("tls(");
		}
	}

	@Test
	void builderOptionsEndUpInConfiguration() throws IOException {
		try (MosquittoBroker broker = MosquittoBroker.builder()
			.maxPacketSize(1024)
			.maxInflightMessages(5)
			.maxQueuedMessages(7)
			.allowAnonymous(true)
			.logDebug()
			.config("max_keepalive 120")
			.start(); Socket socket = new Socket()) {
			assertThat(broker.configFile()).content()
				.contains("max_packet_size 1024", "max_inflight_messages 5", "max_queued_messages 7", "log_type all",
						"max_keepalive 120");
			socket.connect(new InetSocketAddress("127.0.0.1", broker.port()));
			assertThat(socket.isConnected()).isTrue();
		}
	}

}
