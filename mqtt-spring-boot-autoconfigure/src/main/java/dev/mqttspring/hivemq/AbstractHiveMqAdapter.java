package dev.mqttspring.hivemq;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import javax.net.ssl.TrustManagerFactory;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.MqttWebSocketConfigBuilder;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import io.reactivex.Scheduler;
import io.reactivex.disposables.Disposable;
import io.reactivex.schedulers.Schedulers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

import dev.mqttspring.client.MqttClientAdapter;
import dev.mqttspring.client.MqttClientCallbacks;
import dev.mqttspring.client.KeepAliveProbe;
import dev.mqttspring.client.MqttServerUris;
import dev.mqttspring.core.MqttBrokerLimits;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttReasonCodes;
import dev.mqttspring.health.MqttUriSanitizer;

/**
 * What the HiveMQ MQTT 5 and 3.1.1 client adapters share: a client per server URI with
 * failover, transport and TLS configuration, reporting the loss of an established
 * connection, and manual acknowledgement of incoming messages after the listeners
 * finished.
 * <p>
 * HiveMQ's automatic reconnect stays off: the connection reconnects with back-off.
 *
 * @param <T> the HiveMQ client type
 * @param <P> the HiveMQ incoming publish type
 */
abstract class AbstractHiveMqAdapter<T extends MqttClient, P> implements MqttClientAdapter<HiveMqClients<T>> {

	private static final Scheduler DIRECT = Schedulers.from(Runnable::run);

	private static final String NETTY_HTTP_CODEC = "io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker";

	private final Map<Integer, P> unacknowledged = new ConcurrentHashMap<>();

	private final AtomicInteger messageIds = new AtomicInteger();

	protected final Log logger = LogFactory.getLog(getClass());

	protected final MqttConnectionSettings settings;

	protected final MqttClientCallbacks callbacks;

	/**
	 * The customizers applied, in order, to the client builder of every server URI.
	 */
	private final List<HiveMqClientBuilderCustomizer> builderCustomizers;

	AbstractHiveMqAdapter(MqttConnectionSettings settings, MqttClientCallbacks callbacks,
			List<HiveMqClientBuilderCustomizer> builderCustomizers) {
		this.settings = settings;
		this.callbacks = callbacks;
		this.builderCustomizers = List.copyOf(builderCustomizers);
	}

	// ---- version specific

	/**
	 * Build the client from a builder with identifier, transport and disconnected listener
	 * already set.
	 */
	abstract T build(MqttClientBuilder builder);

	/**
	 * Open the client's global publishes flow with manual acknowledgement; HiveMQ calls
	 * the flow's callbacks on its Netty thread. When the flow ends (HiveMQ ends it with the
	 * session), clear {@code listening}.
	 * @return the subscription to the flow; while it lasts, the client holds on to its
	 * Netty event loop (non-daemon threads)
	 */
	abstract Disposable listen(T client, AtomicBoolean listening);

	/**
	 * Connect the client; the future completes with the CONNACK facts.
	 */
	abstract CompletableFuture<Connected> sendConnect(T client);

	abstract void acknowledgePublish(P publish);

	/**
	 * Describe a disconnect initiated by the broker, if the exception is one.
	 */
	abstract String describeDisconnect(Throwable cause);

	// ---- receiving

	/**
	 * Remember an incoming QoS 1/2 publish until the listeners finished with it.
	 * @return the message id to dispatch it with
	 */
	final int register(P publish) {
		int id;
		do {
			id = this.messageIds.incrementAndGet() & Integer.MAX_VALUE;
		}
		while (id == 0 || this.unacknowledged.putIfAbsent(id, publish) != null);
		return id;
	}

	@Override
	public boolean isAcknowledgingInArrivalOrder() {
		// the client sends PUBACK and PUBREC in the order of the PUBLISH packets
		return true;
	}

	@Override
	public void acknowledge(HiveMqClients<T> clients, int messageId, int qos) {
		// HiveMQ hands the acknowledgement to the client's event loop: safe from any thread
		P publish = this.unacknowledged.remove(messageId);
		if (publish != null) {
			acknowledgePublish(publish);
		}
	}

	// ---- client lifecycle

	@Override
	public HiveMqClients<T> createClient() {
		List<HiveMqClients.Entry<T>> entries = new ArrayList<>();
		for (String uri : this.settings.getServerUris()) {
			AtomicBoolean established = new AtomicBoolean();
			MqttClientBuilder builder = MqttClient.builder()
				.identifier(this.settings.getClientId())
				.transportConfig(transport(uri))
				// callbacks and futures complete on the client's Netty thread instead of a hop
				// to RxJava's computation pool: the connection only hands messages to the
				// listener containers there and never blocks (as on Paho's callback thread)
				.executorConfig()
				.applicationScheduler(DIRECT)
				.applyExecutorConfig()
				.addDisconnectedListener((context) -> disconnected(context, established));
			for (HiveMqClientBuilderCustomizer customizer : this.builderCustomizers) {
				customizer.customize(builder);
			}
			entries.add(new HiveMqClients.Entry<>(uri, build(builder), established, new AtomicBoolean(),
					new AtomicReference<>()));
		}
		return new HiveMqClients<>(entries);
	}

	private void disconnected(MqttClientDisconnectedContext context, AtomicBoolean established) {
		if (!established.compareAndSet(true, false)) {
			// a connect attempt that failed: its future reports it
			return;
		}
		if (context.getSource() == MqttDisconnectSource.USER) {
			return;
		}
		Throwable cause = context.getCause();
		this.callbacks.connectionLost(describeDisconnect(cause), reasonCodeOf(cause));
	}

	@Override
	public void connect(HiveMqClients<T> clients, ConnectCallback callback) {
		if (clients.isConnecting()) {
			throw new ConnectInProgressException();
		}
		connect(clients, 0, callback, null);
	}

	private void connect(HiveMqClients<T> clients, int index, ConnectCallback callback, Throwable previous) {
		if (index >= clients.entries().size()) {
			callback.failed(previous);
			return;
		}
		HiveMqClients.Entry<T> entry = clients.entries().get(index);
		CompletableFuture<Connected> future;
		try {
			// before CONNACK: a resumed session delivers its queued messages right away
			listen(entry);
			future = sendConnect(entry.client());
		}
		catch (RuntimeException ex) {
			connect(clients, index + 1, callback, ex);
			return;
		}
		future.whenComplete((connected, ex) -> {
			if (ex == null) {
				// a session the broker did not resume ended the flow: open it again before the
				// subscriptions are sent
				listen(entry);
				HiveMqFlushes.consolidate(entry.client());
				entry.established().set(true);
				clients.activate(entry);
				callback.connected(entry.uri(), connected.sessionPresent(), connected.limits());
			}
			else {
				Throwable cause = unwrap(ex);
				if (clients.entries().size() > 1) {
					this.logger.debug("MQTT connect to " + entry.uri() + " failed: " + describe(cause));
				}
				connect(clients, index + 1, callback, cause);
			}
		});
	}

	private void listen(HiveMqClients.Entry<T> entry) {
		if (entry.listening().compareAndSet(false, true)) {
			Disposable previous = entry.flow().getAndSet(listen(entry.client(), entry.listening()));
			if (previous != null) {
				previous.dispose();
			}
		}
	}

	@Override
	public void disconnect(HiveMqClients<T> clients, Duration timeout) throws Exception {
		T client = clients.active().client();
		CompletableFuture<Void> future = sendDisconnect(client);
		try {
			future.get(Math.max(100, timeout.toMillis()), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	abstract CompletableFuture<Void> sendDisconnect(T client);

	@Override
	public void close(HiveMqClients<T> clients) {
		disconnectAll(clients, "Closing the MQTT client");
		// the incoming publishes flow holds the client's Netty event loop, whose threads are
		// not daemon threads: it lasts as long as the session (never ends for a client that
		// never connected, or one that keeps its session), so end it or the JVM cannot exit
		for (HiveMqClients.Entry<T> entry : clients.entries()) {
			Disposable flow = entry.flow().getAndSet(null);
			if (flow != null) {
				flow.dispose();
			}
			entry.listening().set(false);
		}
		this.unacknowledged.clear();
	}

	@Override
	public void abort(HiveMqClients<T> clients) {
		// the clients stay in use: messages still being processed are acknowledged later
		disconnectAll(clients, "Aborting the MQTT connect attempt");
	}

	private void disconnectAll(HiveMqClients<T> clients, String action) {
		for (HiveMqClients.Entry<T> entry : clients.entries()) {
			if (entry.client().getState() != MqttClientState.DISCONNECTED) {
				try {
					sendDisconnect(entry.client());
				}
				catch (RuntimeException ex) {
					this.logger.debug(action + " failed: " + ex.getMessage());
				}
			}
		}
	}

	@Override
	public boolean isConnectInProgress(Throwable ex) {
		return ex instanceof ConnectInProgressException;
	}

	@Override
	public boolean isConnected(HiveMqClients<T> clients) {
		return clients.isConnected();
	}

	@Override
	public boolean isNotConnected(Throwable ex) {
		return unwrap(ex) instanceof MqttClientStateException;
	}

	@Override
	public @Nullable KeepAliveProbe keepAliveProbe(HiveMqClients<T> clients) {
		return HiveMqKeepAlive.of(clients.active().client());
	}

	@Override
	public boolean resendsAfterReconnect(Throwable ex) {
		// HiveMQ keeps QoS 1/2 publishes of a kept session and completes them after the
		// reconnect; when it fails one, it has given it up
		return false;
	}

	/**
	 * Fail fast, so that the connection buffers the message, when the client is not connected;
	 * HiveMQ would fail the publish future instead.
	 */
	static void requireConnected(MqttClient client) {
		if (client.getState() != MqttClientState.CONNECTED) {
			throw new MqttClientStateException("MQTT client is not connected");
		}
	}

	@Override
	public String describe(Throwable ex) {
		Throwable cause = unwrap(ex);
		int code = reasonCodeOf(cause);
		if (code >= 0) {
			return MqttReasonCodes.describe(code);
		}
		if (cause instanceof MqttSessionExpiredException) {
			return "the session ended with the connection (" + cause.getMessage() + ")";
		}
		StringBuilder text = new StringBuilder(String.valueOf(cause.getMessage()));
		Throwable next = cause.getCause();
		while (next != null && next != next.getCause()) {
			text.append(": ").append(next.getClass().getSimpleName()).append(" ").append(next.getMessage());
			next = next.getCause();
		}
		return text.toString();
	}

	/**
	 * Return the completion of a HiveMQ future that carries no reason code: success
	 * completes the callback with 0, a failure with its unwrapped cause.
	 */
	static BiConsumer<Object, Throwable> completing(CompletionCallback callback) {
		return (result, ex) -> {
			if (ex == null) {
				callback.completed(0);
			}
			else {
				callback.failed(unwrap(ex));
			}
		};
	}

	static Throwable unwrap(Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	// ---- transport

	MqttClientTransportConfig transport(String value) {
		URI uri = URI.create(value);
		boolean tls = MqttServerUris.isTls(uri);
		boolean webSocket = MqttServerUris.isWebSocket(uri);
		int port = MqttServerUris.port(uri);
		long timeout = Math.max(1, this.settings.getConnectionTimeout().toMillis());
		MqttClientTransportConfigBuilder builder = MqttClientTransportConfig.builder()
			.serverHost(uri.getHost())
			.serverPort(port)
			.socketConnectTimeout(timeout, TimeUnit.MILLISECONDS)
			.mqttConnectTimeout(timeout, TimeUnit.MILLISECONDS);
		if (tls) {
			builder.sslConfig(sslConfig(timeout));
		}
		if (webSocket) {
			if (!ClassUtils.isPresent(NETTY_HTTP_CODEC, MqttClient.class.getClassLoader())) {
				// the client declares the codec optional: without it the attempt only times out
				throw new IllegalStateException("The WebSocket URL " + MqttUriSanitizer.sanitize(value) + " needs Netty's HTTP codec with the HiveMQ "
						+ "MQTT client; add the dependency io.netty:netty-codec-http (mqtt-spring-boot-starter brings it)");
			}
			MqttWebSocketConfigBuilder webSocketConfig = MqttWebSocketConfig.builder()
				.handshakeTimeout(timeout, TimeUnit.MILLISECONDS);
			String path = uri.getRawPath();
			if (path != null && path.startsWith("/")) {
				path = path.substring(1);
			}
			if (path != null && !path.isEmpty()) {
				webSocketConfig.serverPath(path);
			}
			if (uri.getRawQuery() != null) {
				webSocketConfig.queryString(uri.getRawQuery());
			}
			builder.webSocketConfig(webSocketConfig.build());
		}
		return builder.build();
	}

	private MqttClientSslConfig sslConfig(long timeout) {
		MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder().handshakeTimeout(timeout, TimeUnit.MILLISECONDS);
		TrustManagerFactory trust = this.settings.getTrustManagerFactory();
		if (!this.settings.isHostnameVerification()) {
			builder.trustManagerFactory(TrustWithoutHostnameVerification.wrap(trust));
			builder.hostnameVerifier((host, session) -> true);
		}
		else if (trust != null) {
			builder.trustManagerFactory(trust);
		}
		if (trust == null && this.settings.getSocketFactory() != null) {
			this.logger.warn("The HiveMQ MQTT client cannot use the socket factory of the MQTT connection settings; it uses "
					+ "the JVM's default trust. Configure TLS with an SSL bundle (mqtt.ssl.bundle), set the trust manager "
					+ "factory of the settings in an MqttConnectionCustomizer, or configure the client's TLS in a "
					+ "HiveMqClientBuilderCustomizer");
		}
		if (this.settings.getKeyManagerFactory() != null) {
			builder.keyManagerFactory(this.settings.getKeyManagerFactory());
		}
		return builder.build();
	}

	/**
	 * Let a received message through the inbound limit, before its payload is copied; one
	 * that is too large is acknowledged (QoS 1/2) and goes no further.
	 * @return whether the message goes on to the listeners
	 */
	final boolean admit(P publish, String topic, java.util.Optional<ByteBuffer> payload, int qos) {
		if (this.callbacks.acceptInbound(topic, payload.isPresent() ? payload.get().remaining() : 0, qos)) {
			return true;
		}
		if (qos > 0) {
			acknowledgePublish(publish);
		}
		return false;
	}

	static byte[] bytes(ByteBuffer buffer) {
		ByteBuffer copy = buffer.duplicate();
		byte[] bytes = new byte[copy.remaining()];
		copy.get(bytes);
		return bytes;
	}

	/**
	 * The facts of a CONNACK.
	 *
	 * @param sessionPresent whether the broker resumed a session
	 * @param limits the broker limits
	 */
	record Connected(boolean sessionPresent, MqttBrokerLimits limits) {
	}

	/**
	 * A connect call while an earlier attempt of the same connection is still running.
	 */
	static final class ConnectInProgressException extends IllegalStateException {

		ConnectInProgressException() {
			super("An earlier MQTT connect attempt is still in progress");
		}

	}

}
