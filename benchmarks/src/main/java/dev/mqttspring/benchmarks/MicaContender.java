package dev.mqttspring.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.dromara.mica.mqtt.codec.MqttQoS;
import org.dromara.mica.mqtt.codec.message.MqttPublishMessage;
import org.dromara.mica.mqtt.codec.message.MqttSubAckMessage;
import org.dromara.mica.mqtt.core.client.IMqttClientMessageListener;
import org.dromara.mica.mqtt.spring.client.MqttClientTemplate;
import org.tio.core.ChannelContext;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * (e) The mica-mqtt client Spring Boot starter: one client (its {@link MqttClientTemplate})
 * publishes and subscribes. Its publish only queues the message (no acknowledgement is
 * reported back), so only receipt is measured. It has no flow control either: at QoS 2
 * it overruns the broker's receive maximum (1000) and messages are lost, so for QoS 1 and
 * 2 the publisher keeps at most 1000 messages published but not yet received, the
 * closest to the other contenders' 1000 unacknowledged publishes it allows.
 */
final class MicaContender implements Contender {

	private ConfigurableApplicationContext context;

	private MqttClientTemplate template;

	private String topic;

	private MqttQoS qos;

	private final AtomicLong received = new AtomicLong();

	private long published;

	@Override
	public void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception {
		this.topic = topic;
		this.qos = MqttQoS.valueOf(qos);
		this.context = new SpringApplicationBuilder(MicaApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(AutoConfigurations.excludeProperty("dev.mqttspring."), "logging.level.root=WARN",
					"mqtt.client.enabled=true", "mqtt.client.ip=" + broker.host(), "mqtt.client.port=" + broker.port(),
					"mqtt.client.client-id=" + ClientIds.next("mica"), "mqtt.client.version=MQTT_5",
					"mqtt.client.clean-start=true", "mqtt.client.reconnect=false")
			.run();
		this.template = this.context.getBean(MqttClientTemplate.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!this.template.isConnected()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("mica-mqtt client did not connect to " + broker.url() + " within 10s");
			}
			Thread.sleep(10);
		}
		CountDownLatch subscribed = new CountDownLatch(1);
		this.template.subscribe(topic, this.qos, new IMqttClientMessageListener() {

			@Override
			public void onSubscribed(ChannelContext context, String topicFilter, MqttQoS mqttQoS,
					MqttSubAckMessage message) {
				subscribed.countDown();
			}

			@Override
			public void onSubscribed(ChannelContext context, String topicFilter, MqttQoS mqttQoS) {
				subscribed.countDown();
			}

			@Override
			public void onMessage(ChannelContext context, String topic, MqttPublishMessage message, byte[] payload) {
				MicaContender.this.received.incrementAndGet();
				sink.received(payload);
			}

		});
		if (!subscribed.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("mica-mqtt did not subscribe to '" + topic + "' within 10s");
		}
	}

	@Override
	public void publish(byte[] payload) throws Exception {
		if (this.qos != MqttQoS.QOS0) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (this.published - this.received.get() >= PublishWindow.SIZE) {
				if (System.nanoTime() > deadline) {
					throw new TimeoutException("No mica-mqtt message received for 30s with " + PublishWindow.SIZE
							+ " published but not received");
				}
				Thread.onSpinWait();
				LockSupport.parkNanos(20_000);
			}
		}
		this.published++;
		if (!this.template.publish(this.topic, payload, this.qos)) {
			throw new IllegalStateException("mica-mqtt refused to queue a publish to '" + this.topic + "'");
		}
	}

	@Override
	public void awaitPublished(long timeoutMillis) {
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class MicaApplication {

	}

}
