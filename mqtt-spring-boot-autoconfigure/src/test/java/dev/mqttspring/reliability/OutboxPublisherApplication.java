package dev.mqttspring.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttTemplate;

/**
 * The publisher of {@link OutboxCrashReliabilityTests}, run in its own JVM so that the test
 * can kill it: publishes the numbers listed in a file as QoS 1 messages from several
 * threads at full speed with the durable outbox on, and prints {@code PUBLISHED n} once
 * {@code publish} returned for n (so the test knows which publishes were made).
 */
public final class OutboxPublisherApplication {

	static final String READY = "OUTBOX-PUBLISHER READY";

	static final String DONE = "OUTBOX-PUBLISHER DONE";

	private static final int THREADS = 4;

	private OutboxPublisherApplication() {
	}

	/**
	 * Arguments: broker URL, client library, client id, outbox directory, topic, file of the
	 * numbers to publish (one per line), pace in microseconds per message (0: full speed).
	 * @param args the arguments
	 * @throws Exception on failure
	 */
	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MqttAutoConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties("mqtt.url=" + args[0], "mqtt.client-library=" + args[1], "mqtt.client-id=" + args[2],
					"mqtt.outbox.enabled=true", "mqtt.outbox.directory=" + args[3], "mqtt.fail-fast=true",
					"logging.level.root=WARN", "logging.level.dev.mqttspring=INFO")
			.run();
		MqttTemplate template = context.getBean(MqttTemplate.class);
		MqttConnection connection = context.getBean(MqttConnection.class);
		String topic = args[4];
		List<Integer> numbers = Files.readAllLines(Path.of(args[5])).stream().map(Integer::valueOf).toList();
		long paceNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[6]));
		System.out.println(READY);
		AtomicInteger next = new AtomicInteger();
		long start = System.nanoTime();
		AtomicLong failed = new AtomicLong();
		List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			Thread thread = new Thread(() -> {
				int index;
				while ((index = next.getAndIncrement()) < numbers.size()) {
					int number = numbers.get(index);
					java.util.concurrent.locks.LockSupport.parkNanos(start + index * paceNanos - System.nanoTime());
					CompletableFuture<Void> future = template.publish(topic, String.valueOf(number), 1, false);
					future.whenComplete((result, ex) -> {
						if (ex != null) {
							failed.incrementAndGet();
							System.out.println("FAILED " + number + " " + ex);
						}
					});
					futures.add(future);
					System.out.println("PUBLISHED " + number);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		try {
			CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// counted
		}
		// the publishes an earlier run left in the outbox are acknowledged too
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (connection.getOutboxMessages() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		System.out.println(DONE + " replayed=" + connection.getOutboxReplayed() + " failed=" + failed.get() + " pending="
				+ connection.getOutboxMessages());
		context.close();
	}

}
