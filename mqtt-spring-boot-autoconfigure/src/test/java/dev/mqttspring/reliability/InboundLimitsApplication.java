package dev.mqttspring.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.autoconfigure.metrics.MqttMetricsAutoConfiguration;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.event.MqttConnectedEvent;
import dev.mqttspring.event.MqttConnectionLostEvent;
import dev.mqttspring.health.MqttHealthIndicator;
import dev.mqttspring.listener.MqttListenerContainer;
import dev.mqttspring.metrics.MqttMetricsNames;
import dev.mqttspring.support.MqttHeaders;

import static org.awaitility.Awaitility.await;

/**
 * The application that {@link InboundLimitsReliabilityTests} starts in its own JVM with
 * {@code -Xmx256m}: a listener {@code big} on {@code <prefix>/big/#} and a listener
 * {@code flood} on {@code <prefix>/flood/#} that takes 10 ms per message, both QoS 1, with
 * the default limits; one application context per MQTT version in {@code --test.versions}
 * (e.g. {@code 5,3.1.1}), so that one JVM start serves both versions. It prints {@code READY}
 * once subscribed, {@code LOST <label> <millis> <cause>} and {@code CONNECTED <label> <millis>}
 * on connection events ({@code <label>}: {@code v5}, {@code v311}), and every 100 ms a
 * {@code STATUS} line: per version health, the messages each listener got and the
 * {@code mqtt.listener.dropped} meters; the longest {@code flood} queue and the heap
 * (largest used, largest live after a collection).
 * <p>
 * Arguments: Spring properties ({@code --mqtt.url=...}, {@code --test.prefix=...}) and
 * {@code --test.versions}.
 */
public final class InboundLimitsApplication {

	static final String READY = "READY";

	private InboundLimitsApplication() {
	}

	public static void main(String[] args) throws Exception {
		String versions = "5";
		List<String> properties = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--test.versions=")) {
				versions = arg.substring("--test.versions=".length());
			}
			else {
				properties.add(arg);
			}
		}
		List<Instance> instances = new ArrayList<>();
		for (String version : versions.split(",")) {
			instances.add(start(version, properties));
		}
		print(READY);
		List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
			.toList();
		long maxQueue = 0;
		long maxUsed = 0;
		long maxLive = 0;
		while (true) {
			StringBuilder line = new StringBuilder("STATUS");
			for (Instance instance : instances) {
				String p = instance.label + "_";
				maxQueue = Math.max(maxQueue, instance.flood.getQueueSize());
				line.append(" ").append(p).append("health=").append(instance.health.health(true).getStatus())
					.append(" ").append(p).append("small=").append(instance.probe.small.get())
					.append(" ").append(p).append("big=").append(instance.probe.big.get())
					.append(" ").append(p).append("tooLarge=")
					.append(dropped(instance.meters, "big", MqttMetricsNames.REASON_TOO_LARGE))
					.append(" ").append(p).append("q0=").append(instance.probe.qos0.get())
					.append(" ").append(p).append("q1=").append(instance.probe.qos1.get())
					.append(" ").append(p).append("queueFull=")
					.append(dropped(instance.meters, "flood", MqttMetricsNames.REASON_QUEUE_FULL));
			}
			maxUsed = Math.max(maxUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
			long live = 0;
			for (MemoryPoolMXBean pool : heapPools) {
				MemoryUsage usage = pool.getCollectionUsage();
				live += (usage != null) ? usage.getUsed() : 0;
			}
			maxLive = Math.max(maxLive, live);
			print(line + " maxQueue=" + maxQueue + " maxUsedMb=" + (maxUsed >> 20) + " maxLiveMb=" + (maxLive >> 20));
			Thread.sleep(100);
		}
	}

	private static Instance start(String version, List<String> properties) {
		String label = "v" + version.replace(".", "");
		List<String> args = new ArrayList<>(properties);
		args.add("--mqtt.version=" + version);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Listeners.class,
				JacksonAutoConfiguration.class, MqttAutoConfiguration.class, MqttMetricsAutoConfiguration.class)
			.web(WebApplicationType.NONE)
			.listeners((event) -> {
				if (event instanceof MqttConnectionLostEvent lost) {
					print("LOST " + label + " " + System.currentTimeMillis() + " " + lost.getCause());
				}
				else if (event instanceof MqttConnectedEvent) {
					print("CONNECTED " + label + " " + System.currentTimeMillis());
				}
			})
			.run(args.toArray(new String[0]));
		MqttConnection connection = context.getBean(MqttConnection.class);
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !connection.getSubscriptions().isEmpty() && connection.getSubscriptions()
					.stream()
					.allMatch((state) -> state.result() != null && state.result().isGranted()));
		}
		catch (ConditionTimeoutException ex) {
			print("NOT SUBSCRIBED " + connection.getSubscriptions());
			System.exit(1);
		}
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		// what Spring Boot's metrics auto-configuration does with MeterBinder beans
		context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(meters));
		return new Instance(label, new MqttHealthIndicator(connection), meters, context.getBean(Probe.class),
				context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("flood"));
	}

	private record Instance(String label, MqttHealthIndicator health, MeterRegistry meters, Probe probe,
			MqttListenerContainer flood) {
	}

	private static long dropped(MeterRegistry meters, String listener, String reason) {
		return (long) meters.get(MqttMetricsNames.LISTENER_DROPPED)
			.tag(MqttMetricsNames.TAG_LISTENER_ID, listener)
			.tag(MqttMetricsNames.TAG_REASON, reason)
			.functionCounter()
			.count();
	}

	private static void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		Probe probe() {
			return new Probe();
		}

	}

	static class Probe {

		final AtomicLong small = new AtomicLong();

		final AtomicLong big = new AtomicLong();

		final AtomicLong qos0 = new AtomicLong();

		final AtomicLong qos1 = new AtomicLong();

		@MqttSubscribe(id = "big", topics = "${test.prefix}/big/#", qos = 1)
		void big(byte[] payload) {
			((payload.length < 1024) ? this.small : this.big).incrementAndGet();
		}

		@MqttSubscribe(id = "flood", topics = "${test.prefix}/flood/#", qos = 1)
		void flood(byte[] payload, @Header(MqttHeaders.RECEIVED_QOS) int qos) throws InterruptedException {
			Thread.sleep(10);
			((qos == 0) ? this.qos0 : this.qos1).incrementAndGet();
		}

	}

}
