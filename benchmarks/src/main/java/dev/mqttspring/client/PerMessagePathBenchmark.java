package dev.mqttspring.client;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;

import dev.mqttspring.config.MethodMqttListenerEndpoint;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttMessageProperties;
import dev.mqttspring.core.MqttOutboundMessage;
import dev.mqttspring.core.MqttSubscription;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.core.MqttVersion;
import dev.mqttspring.listener.MqttMessageListener;
import dev.mqttspring.support.MqttMessageConverters;

/**
 * The starter's per-message path from the client callback to the listener method, without
 * a broker: {@code MqttClientCallbacks.dispatch} of a {@link DefaultMqttConnection} (as Paho's callback calls it) matches
 * the topic against the registered filters (by MQTT 5 subscription identifier when the
 * broker sent one, else by scanning all filters), wraps the message, and the handler
 * invokes the {@code @MqttSubscribe}-style method through the same
 * {@code MethodMqttListenerEndpoint} / {@code MessagingMqttMessageListenerAdapter} /
 * spring-messaging {@code InvocableHandlerMethod} the annotation post-processor builds,
 * converting the payload to String, to a small JSON record, or passing the bytes. The
 * listener container's hand-off to its worker thread is not included: the handler calls
 * the listener on the calling thread. QoS 0, so no acknowledgement is sent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerMessagePathBenchmark {

	private static final MqttMessageProperties NO_ID = MqttMessageProperties.NONE;

	/**
	 * How many filters are registered besides the three matching ones.
	 */
	@Param({ "0", "997" })
	public int otherFilters;

	/**
	 * Whether the message carries the matching filter's subscription identifier, as
	 * mosquitto sends it for MQTT 5 subscriptions that have one.
	 */
	@Param({ "true", "false" })
	public boolean subscriptionIdentifier;

	private DefaultMqttConnection connection;

	private MqttClientCallbacks callbacks;

	private final Target target = new Target();

	private final byte[] stringPayload = "21.5".getBytes(StandardCharsets.UTF_8);

	private final byte[] jsonPayload = "{\"sensor\":\"s-1\",\"value\":21.5}".getBytes(StandardCharsets.UTF_8);

	private final byte[] bytesPayload = new byte[100];

	private MqttMessageProperties stringProperties;

	private MqttMessageProperties jsonProperties;

	private MqttMessageProperties bytesProperties;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		MqttConnectionSettings settings = new MqttConnectionSettings();
		settings.setServerUris(List.of("tcp://127.0.0.1:1"));
		settings.setClientId("jmh");
		settings.setVersion(MqttVersion.V5);
		this.connection = new DefaultMqttConnection(settings, (callbacks) -> {
			this.callbacks = callbacks;
			return new NoClientAdapter();
		});
		MessageConverter converter = MqttMessageConverters.createDefault(JsonMapper.builder().build());
		DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
		factory.setMessageConverter(converter);
		factory.setConversionService(DefaultConversionService.getSharedInstance());
		factory.afterPropertiesSet();
		int stringId = register("jmh/+/string", "onString", String.class, factory, converter);
		int jsonId = register("jmh/+/json", "onJson", Reading.class, factory, converter);
		int bytesId = register("jmh/+/bytes", "onBytes", byte[].class, factory, converter);
		for (int i = 0; i < this.otherFilters; i++) {
			String filter = switch (i % 3) {
				case 0 -> "other/e/" + i;
				case 1 -> "other/+/" + i + "/p";
				default -> "jmh/w/" + i + "/#";
			};
			this.connection.subscribe(new MqttSubscription(filter, 1, (message) -> {
				throw new IllegalStateException("Filter " + filter + " must not match " + message.getTopic());
			}, "other-" + i));
		}
		this.stringProperties = properties(stringId);
		this.jsonProperties = properties(jsonId);
		this.bytesProperties = properties(bytesId);
		if (!"21.5".equals(stringPayload()) || jsonRecord() == null || bytePayload() == null) {
			throw new IllegalStateException("The listener methods were not invoked");
		}
	}

	private MqttMessageProperties properties(int id) {
		return this.subscriptionIdentifier ? MqttMessageProperties.builder().subscriptionIdentifiers(List.of(id)).build()
				: NO_ID;
	}

	private int register(String filter, String methodName, Class<?> type, DefaultMessageHandlerMethodFactory factory,
			MessageConverter converter) throws Exception {
		Method method = Target.class.getMethod(methodName, type);
		MethodMqttListenerEndpoint endpoint = new MethodMqttListenerEndpoint();
		endpoint.setBean(this.target);
		endpoint.setMethod(method);
		endpoint.setMessageHandlerMethodFactory(factory);
		endpoint.setId("jmh-" + methodName);
		endpoint.setTopics(List.of(filter));
		MqttMessageListener listener = endpoint.createMessageListener(this.connection, converter);
		this.connection.subscribe(new MqttSubscription(filter, 1, (message) -> {
			try {
				listener.onMessage(message);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, "jmh-" + methodName));
		return subscriptionId(filter);
	}

	private int subscriptionId(String filter) {
		// FilterEntry ids are assigned in registration order, starting at 1
		return (int) this.connection.getSubscriptions().stream().takeWhile((state) -> !state.filter().equals(filter)).count()
				+ 1;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.connection.stop();
	}

	@Benchmark
	public Object stringPayload() {
		this.callbacks.dispatch("jmh/s-1/string", this.stringPayload, 0, false, false, 0, this.stringProperties);
		return this.target.lastString;
	}

	@Benchmark
	public Object jsonRecord() {
		this.callbacks.dispatch("jmh/s-1/json", this.jsonPayload, 0, false, false, 0, this.jsonProperties);
		return this.target.lastReading;
	}

	@Benchmark
	public Object bytePayload() {
		this.callbacks.dispatch("jmh/s-1/bytes", this.bytesPayload, 0, false, false, 0, this.bytesProperties);
		return this.target.lastBytes;
	}

	/**
	 * A small JSON payload.
	 *
	 * @param sensor the sensor id
	 * @param value the reading
	 */
	public record Reading(String sensor, double value) {
	}

	/**
	 * The listener bean.
	 */
	/**
	 * The connection is never started: the benchmark calls the adapter's callbacks as
	 * a client library's delivery thread does, and no client is ever created.
	 */
	static final class NoClientAdapter implements MqttClientAdapter<Object> {

		@Override
		public Object createClient() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void connect(Object client, ConnectCallback callback) {
		}

		@Override
		public void publish(Object client, MqttOutboundMessage message, CompletionCallback callback) {
		}

		@Override
		public void subscribe(Object client, String filter, int qos, int subscriptionId, MqttSubscriptionOptions options,
				SubscribeCallback callback) {
		}

		@Override
		public void unsubscribe(Object client, String filter, CompletionCallback callback) {
		}

		@Override
		public void acknowledge(Object client, int messageId, int qos) {
		}

		@Override
		public void disconnect(Object client, Duration timeout) {
		}

		@Override
		public void close(Object client) {
		}

		@Override
		public void abort(Object client) {
		}

		@Override
		public boolean isConnected(Object client) {
			return false;
		}

		@Override
		public boolean isConnectInProgress(Throwable ex) {
			return false;
		}

		@Override
		public boolean isNotConnected(Throwable ex) {
			return false;
		}

		@Override
		public String describe(Throwable ex) {
			return String.valueOf(ex);
		}

		@Override
		public int reasonCodeOf(Throwable ex) {
			return -1;
		}

	}

	public static class Target {

		volatile String lastString;

		volatile Reading lastReading;

		volatile byte[] lastBytes;

		public void onString(String payload) {
			this.lastString = payload;
		}

		public void onJson(Reading payload) {
			this.lastReading = payload;
		}

		public void onBytes(byte[] payload) {
			this.lastBytes = payload;
		}

	}

}
