package dev.mqttspring.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;

/**
 * (d) The starter: a Spring Boot application (web off) whose {@link MqttTemplate}
 * publishes and whose one {@code @MqttSubscribe} method counts, on the starter's one
 * managed connection with its defaults (in-flight window 1000, acknowledgement after the
 * method returned), on the HiveMQ client backend ({@code mqtt.client-library=hivemq}, set
 * explicitly); (d-p) is the same application on the Paho backend. The publisher simply
 * calls {@code publish} in a loop: the template's in-flight window is the flow control.
 */
final class StarterContender implements Contender {

	private final AtomicLong pending = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

	private final Split split;

	private ConfigurableApplicationContext context;

	private PahoContender raw;

	StarterContender() {
		this(Split.NONE);
	}

	/**
	 * Create a contender.
	 * @param split whether one side is replaced by raw Paho (a-buf) to locate a bottleneck
	 */
	StarterContender(Split split) {
		this(split, new String[0]);
	}

	/**
	 * Create a contender with extra application properties.
	 * @param split whether one side is replaced by raw Paho (a-buf) to locate a bottleneck
	 * @param properties extra properties, such as {@code mqtt.client-library=paho}; they
	 * override the default {@code mqtt.client-library=hivemq}
	 */
	StarterContender(Split split, String... properties) {
		this.split = split;
		this.properties = properties;
	}

	private final String[] properties;

	private MqttTemplate template;

	private String topic;

	private int qos;

	@Override
	public void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception {
		this.topic = topic;
		this.qos = qos;
		MessageSink starterSink = (this.split == Split.RAW_SUBSCRIBER) ? (sequence, sent) -> {
		} : sink;
		String listenerTopic = (this.split == Split.RAW_SUBSCRIBER) ? topic + "/unused" : topic;
		this.context = application(broker, StarterApplication.class, starterSink, "bench.topic=" + listenerTopic)
			.properties(this.properties)
			.run();
		this.template = this.context.getBean(MqttTemplate.class);
		awaitSubscriptions(this.context.getBean(MqttConnection.class), 1, 10_000);
		if (this.split != Split.NONE) {
			this.raw = new PahoContender(SocketFactories.buffered());
			this.raw.start(broker, topic, qos, (this.split == Split.RAW_SUBSCRIBER) ? sink : (sequence, sent) -> {
			});
		}
	}

	static SpringApplicationBuilder application(Broker broker, Class<?> source, Object sink, String... properties) {
		return new SpringApplicationBuilder(source).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.initializers((context) -> context.getBeanFactory().registerSingleton("benchmarkSink", sink))
			.properties(AutoConfigurations.excludeProperty("org.dromara."), "logging.level.root=WARN",
					"mqtt.url=" + broker.url(), "mqtt.client-id=" + ClientIds.next("starter"), Sections.HIVEMQ)
			.properties(properties);
	}

	/**
	 * Wait until the broker granted the given number of subscriptions.
	 * @param connection the connection
	 * @param count the number of granted filters to wait for
	 * @param timeoutMillis the longest wait
	 * @throws Exception on timeout or refusal
	 */
	static void awaitSubscriptions(MqttConnection connection, int count, long timeoutMillis) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (true) {
			int granted = 0;
			for (MqttConnection.SubscriptionState state : connection.getSubscriptions()) {
				if (state.result() != null) {
					if (!state.result().isGranted()) {
						throw new IllegalStateException("Subscription to '" + state.filter() + "' was refused: "
								+ state.result());
					}
					granted++;
				}
			}
			if (granted >= count) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new TimeoutException("Only " + granted + " of " + count + " subscriptions granted after "
						+ timeoutMillis + " ms (connection " + connection.getState() + ", " + connection.getLastFailure()
						+ ")");
			}
			Thread.sleep(5);
		}
	}

	@Override
	public void publish(byte[] payload) throws Exception {
		if (this.split == Split.RAW_PUBLISHER) {
			this.raw.publish(payload);
			return;
		}
		this.pending.incrementAndGet();
		this.template.publish(this.topic, payload, this.qos, false).whenComplete((result, failure) -> {
			if (failure != null) {
				this.failures.incrementAndGet();
				this.firstFailure.compareAndSet(null, failure);
			}
			this.pending.decrementAndGet();
		});
	}

	@Override
	public void awaitPublished(long timeoutMillis) throws Exception {
		if (this.split == Split.RAW_PUBLISHER) {
			this.raw.awaitPublished(timeoutMillis);
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (this.pending.get() > 0) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException(this.pending.get() + " publishes still unacknowledged after " + timeoutMillis
						+ " ms");
			}
			Thread.sleep(1);
		}
		if (this.failures.get() > 0) {
			throw new IllegalStateException(this.failures.get() + " publishes failed; first: " + this.firstFailure.get(),
					this.firstFailure.get());
		}
	}

	@Override
	public void close() {
		if (this.raw != null) {
			this.raw.close();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * Which side, if any, raw Paho takes over.
	 */
	enum Split {

		/**
		 * The starter publishes and receives.
		 */
		NONE,

		/**
		 * Raw Paho (buffered input) publishes, the starter's listener receives.
		 */
		RAW_PUBLISHER,

		/**
		 * The starter's template publishes, raw Paho (buffered input) receives.
		 */
		RAW_SUBSCRIBER

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class StarterApplication {

		@Bean
		CountingListener countingListener(MessageSink benchmarkSink) {
			return new CountingListener(benchmarkSink);
		}

	}

	/**
	 * The one listener; it subscribes with QoS 2 so that messages arrive with the QoS
	 * they were published with.
	 */
	public static class CountingListener {

		private final MessageSink sink;

		CountingListener(MessageSink sink) {
			this.sink = sink;
		}

		@MqttSubscribe(topics = "${bench.topic}", qos = 2, id = "benchmark")
		public void onMessage(byte[] payload) {
			this.sink.received(payload);
		}

	}

}
