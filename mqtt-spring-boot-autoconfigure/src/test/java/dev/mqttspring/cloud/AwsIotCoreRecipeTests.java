package dev.mqttspring.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.mqttspring.autoconfigure.MqttConnectionCustomizer;
import dev.mqttspring.autoconfigure.MqttNamedConnectionsAutoConfiguration;
import dev.mqttspring.client.DefaultMqttConnection;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.testsupport.MosquittoBroker;
import dev.mqttspring.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The AWS IoT Core recipe of the guide against a mosquitto configured like AWS IoT: mutual
 * TLS from PEM files through an SSL bundle, the certificate's identity as the principal
 * (use_identity_as_username, an ACL standing in for the IoT policy), client id = thing
 * name, no QoS 2; and ALPN {@code x-amzn-mqtt-ca} for port 443 through a TLS server that,
 * like AWS IoT, accepts only that protocol.
 */
class AwsIotCoreRecipeTests {

	private static final String THING = "sensor-1";

	private static final String ALPN = "x-amzn-mqtt-ca";

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	private static MosquittoBroker broker;

	@BeforeAll
	static void startBroker() {
		certificates = TestCertificates.generate(directory.resolve("pem"));
		// the client certificate's CN (mqtt-client) becomes the user name; the ACL plays the
		// IoT policy that lets this certificate use its thing's topics only
		broker = MosquittoBroker.builder()
			.tls(certificates.caCertificate(), certificates.serverCertificate(), certificates.serverPrivateKey())
			.requireClientCertificate(true)
			.useIdentityAsUsername(true)
			.allowAnonymous(false)
			.acl("user mqtt-client\ntopic readwrite things/" + THING + "/#\n")
			.start();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	/**
	 * The recipe's configuration: a PEM bundle with the device certificate, its key and the
	 * root CA.
	 */
	private static ApplicationContextRunner recipe(String library, String url, boolean withCertificate) {
		ApplicationContextRunner runner = CloudRecipes.runner(library)
			.withPropertyValues("mqtt.url=" + url, "mqtt.client-id=" + THING, "mqtt.max-qos=1",
					"mqtt.ssl.bundle=aws-iot",
					"spring.ssl.bundle.pem.aws-iot.truststore.certificate=file:" + certificates.caCertificate());
		if (withCertificate) {
			runner = runner.withPropertyValues(
					"spring.ssl.bundle.pem.aws-iot.keystore.certificate=file:" + certificates.clientCertificate(),
					"spring.ssl.bundle.pem.aws-iot.keystore.private-key=file:" + certificates.clientPrivateKey());
		}
		return runner;
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void mutualTlsFromPemFilesPublishesAndReceivesWithQos1(String library) {
		recipe(library, broker.sslUrl(), true).withPropertyValues("mqtt.fail-fast=true").run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			assertThat(connection.isConnected()).isTrue();
			// the broker took the certificate's identity as the principal and the thing name as client id
			assertThat(broker.log()).containsPattern("as " + THING + " \\(.*u'mqtt-client'\\)");
			exchange(context.getBean(MqttTemplate.class), connection);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "hivemq", "paho" })
	void clientWithoutCertificateIsRefusedAndHealthSaysWhy(String library) {
		recipe(library, broker.sslUrl(), false).run((context) -> {
			assertThat(context).hasNotFailed();
			MqttConnection connection = context.getBean(MqttConnection.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> connection.getLastFailure() != null);
			assertThat(connection.isConnected()).isFalse();
			Health health = context.getBean(MqttHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(String.valueOf(health.getDetails().get("error")))
				.contains("the broker requires a client certificate")
				.contains("keystore");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "5", "3.1.1" })
	void pahoOffersAlpnXAmznMqttCaOnPort443Style(String version) throws Exception {
		try (MosquittoBroker upstream = MosquittoBroker.builder().start();
				AlpnTlsServer server = new AlpnTlsServer(
						TestCertificates.sslContext(certificates.caCertificate(), certificates.serverCertificate(),
								certificates.serverPrivateKey()),
						upstream.port())) {
			recipe("paho", "ssl://127.0.0.1:" + server.port(), true)
				.withPropertyValues("mqtt.fail-fast=true", "mqtt.ssl.application-protocols=" + ALPN,
						"mqtt.version=" + version)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection connection = context.getBean(MqttConnection.class);
					assertThat(connection.isConnected()).isTrue();
					assertThat(server.offered).containsOnly(List.of(ALPN));
					assertThat(server.selected).containsOnly(ALPN);
					exchange(context.getBean(MqttTemplate.class), connection);
				});
			// without the property the server, like AWS IoT on 443, refuses the handshake
			server.offered.clear();
			server.selected.clear();
			recipe("paho", "ssl://127.0.0.1:" + server.port(), true).withPropertyValues("mqtt.version=" + version)
				.run((context) -> {
					MqttConnection connection = context.getBean(MqttConnection.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> connection.getLastFailure() != null);
					assertThat(connection.isConnected()).isFalse();
					assertThat(server.offered).isEmpty();
					assertThat(server.selected).isNotEmpty().containsOnly("");
				});
		}
	}

	@Test
	void namedConnectionOnPahoOffersAlpnWhileTheDefaultConnectionStaysOnHivemq() throws Exception {
		try (MosquittoBroker upstream = MosquittoBroker.builder().start();
				AlpnTlsServer server = new AlpnTlsServer(
						TestCertificates.sslContext(certificates.caCertificate(), certificates.serverCertificate(),
								certificates.serverPrivateKey()),
						upstream.port())) {
			CloudRecipes.runner("hivemq")
				.withConfiguration(AutoConfigurations.of(MqttNamedConnectionsAutoConfiguration.class))
				.withPropertyValues("mqtt.url=" + upstream.url(), "mqtt.client-id=gateway", "mqtt.fail-fast=true",
						"mqtt.connections.aws.url=ssl://127.0.0.1:" + server.port(),
						"mqtt.connections.aws.client-id=" + THING, "mqtt.connections.aws.client-library=paho",
						"mqtt.connections.aws.max-qos=1", "mqtt.connections.aws.ssl.bundle=aws-iot",
						"mqtt.connections.aws.ssl.application-protocols=" + ALPN,
						"spring.ssl.bundle.pem.aws-iot.truststore.certificate=file:" + certificates.caCertificate(),
						"spring.ssl.bundle.pem.aws-iot.keystore.certificate=file:" + certificates.clientCertificate(),
						"spring.ssl.bundle.pem.aws-iot.keystore.private-key=file:" + certificates.clientPrivateKey())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MqttConnection aws = context.getBean("awsMqttConnection", MqttConnection.class);
					await().atMost(Duration.ofSeconds(10)).until(aws::isConnected);
					assertThat(((DefaultMqttConnection) aws).getClientAdapter().getClass().getName()).contains("Paho");
					assertThat(((DefaultMqttConnection) context.getBean("mqttConnection", MqttConnection.class)).getClientAdapter()
						.getClass()
						.getName())
						.contains("HiveMq");
					assertThat(server.selected).containsOnly(ALPN);
					exchange(context.getBean("awsMqttTemplate", MqttTemplate.class), aws);
				});
		}
	}

	@Test
	void hivemqWithApplicationProtocolsFailsAtStartUpWithTheFixes() {
		recipe("hivemq", "ssl://xxxxxxxxxxxxxx-ats.iot.eu-west-1.amazonaws.com:443", true)
			.withPropertyValues("mqtt.ssl.application-protocols=" + ALPN)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Property mqtt.ssl.application-protocols with value '" + ALPN + "' is invalid")
					.hasMessageContaining("cannot offer TLS application protocols (ALPN")
					.hasMessageContaining("port 8883 with mutual TLS")
					.hasMessageContaining("mqtt.client-library=paho");
			});
	}

	@Test
	void hivemqWithApplicationProtocolsFromACustomizerFailsAtStartUp() {
		recipe("hivemq", "ssl://127.0.0.1:" + broker.tlsPort(), true)
			.withBean(MqttConnectionCustomizer.class,
					() -> (settings) -> settings.setApplicationProtocols(List.of(ALPN)))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("cannot offer the TLS application protocols (ALPN) [" + ALPN + "]")
					.hasMessageContaining("mqtt.client-library=paho");
			});
	}

	@Test
	void applicationProtocolsWithoutTlsFailAtStartUp() {
		CloudRecipes.runner("paho")
			.withPropertyValues("mqtt.url=tcp://127.0.0.1:1883", "mqtt.ssl.application-protocols=" + ALPN)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Property mqtt.ssl.application-protocols ")
					.hasMessageContaining("use ssl:// or wss://");
			});
	}

	/**
	 * QoS 1 to the thing's own topic and back; QoS 2, which AWS IoT does not have, fails
	 * before anything is sent.
	 */
	private static void exchange(MqttTemplate template, MqttConnection connection) throws Exception {
		String topic = "things/" + THING + "/" + CloudRecipes.unique("telemetry");
		List<String> received = new CopyOnWriteArrayList<>();
		DefaultMqttListenerContainer container = CloudRecipes.listen(connection, List.of(topic), received::add);
		try {
			template.publish(topic, "21.5", 1, false).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("21.5"));
			assertThatThrownBy(() -> template.publish(topic, "exactly-once", 2, false).get(10, TimeUnit.SECONDS))
				.hasStackTraceContaining("exceeds the maximum QoS 1 (mqtt.max-qos=1)");
		}
		finally {
			container.stop();
		}
	}

	/**
	 * A TLS server that, like AWS IoT Core on port 443, requires a client certificate and
	 * the application protocol {@code x-amzn-mqtt-ca} (any other offer, or none, fails the
	 * handshake), records what each client offered, and forwards the decrypted bytes to a
	 * plain MQTT broker.
	 */
	static final class AlpnTlsServer implements AutoCloseable {

		final List<List<String>> offered = new CopyOnWriteArrayList<>();

		final List<String> selected = new CopyOnWriteArrayList<>();

		private final SSLServerSocket server;

		private final int target;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		AlpnTlsServer(SSLContext context, int target) throws IOException {
			this.target = target;
			this.server = (SSLServerSocket) context.getServerSocketFactory()
				.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.server.setNeedClientAuth(true);
			daemon("alpn-accept", this::accept);
		}

		int port() {
			return this.server.getLocalPort();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					SSLSocket socket = (SSLSocket) this.server.accept();
					this.sockets.add(socket);
					socket.setHandshakeApplicationProtocolSelector((engine, protocols) -> {
						this.offered.add(List.copyOf(protocols));
						// null fails the handshake (no_application_protocol)
						return protocols.contains(ALPN) ? ALPN : null;
					});
					daemon("alpn-connection", () -> serve(socket));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(SSLSocket socket) {
			try {
				socket.startHandshake();
				// a client that offers no application protocol never reaches the selector
				String protocol = socket.getApplicationProtocol();
				this.selected.add((protocol != null) ? protocol : "");
				if (!ALPN.equals(protocol)) {
					close(socket);
					return;
				}
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
				this.sockets.add(upstream);
				daemon("alpn-upstream", () -> copy(upstream, socket));
				copy(socket, upstream);
			}
			catch (IOException ex) {
				close(socket);
			}
		}

		private static void copy(Socket from, Socket to) {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				close(from);
				close(to);
			}
		}

		private static void close(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already closed
			}
		}

		private static void daemon(String name, Runnable task) {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			thread.start();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			this.sockets.forEach(AlpnTlsServer::close);
		}

	}

}
