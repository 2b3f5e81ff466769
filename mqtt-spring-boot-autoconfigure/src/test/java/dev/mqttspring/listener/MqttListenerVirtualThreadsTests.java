package dev.mqttspring.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.autoconfigure.MqttAutoConfiguration;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.testsupport.MosquittoBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The workers of a listener with a concurrency run on virtual threads with
 * {@code spring.threads.virtual.enabled=true} (Java 21+; the test is skipped on older
 * JDKs, the code compiles on Java 17), on platform threads named after the listener
 * otherwise.
 */
class MqttListenerVirtualThreadsTests {

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void workersAreVirtualThreadsWhenEnabled() {
		List<Thread> threads = run("spring.threads.virtual.enabled=true");
		assertThat(threads).isNotEmpty().allMatch(MqttListenerVirtualThreadsTests::isVirtual);
	}

	@Test
	void workersArePlatformThreadsNamedAfterTheListenerByDefault() {
		List<Thread> threads = run("spring.threads.virtual.enabled=false");
		assertThat(threads).isNotEmpty()
			.noneMatch(MqttListenerVirtualThreadsTests::isVirtual)
			.allMatch((thread) -> thread.getName().startsWith("mqtt-listener-threads-"));
	}

	private static List<Thread> run(String property) {
		List<Thread> threads = new CopyOnWriteArrayList<>();
		try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
			String prefix = ListenerTestSupport.prefix();
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, MqttAutoConfiguration.class))
				.withPropertyValues("mqtt.url=" + broker.url(), "mqtt.fail-fast=true", "test.prefix=" + prefix, property)
				.withUserConfiguration(ThreadsConfiguration.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ThreadRecorder recorder = context.getBean(ThreadRecorder.class);
					MqttConnection client = ListenerTestSupport.client(broker.url(), "5");
					try {
						for (int i = 0; i < 8; i++) {
							ListenerTestSupport.publish(client, prefix + "/t/" + i, "m" + i);
						}
					}
					finally {
						ListenerTestSupport.close(client);
					}
					await().atMost(ListenerTestSupport.timeout()).until(() -> recorder.count.get() == 8);
					threads.addAll(recorder.threads);
				});
		}
		return threads;
	}

	private static boolean isVirtual(Thread thread) {
		try {
			Method isVirtual = Thread.class.getMethod("isVirtual");
			return (boolean) isVirtual.invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadsConfiguration {

		@Bean
		ThreadRecorder threadRecorder() {
			return new ThreadRecorder();
		}

	}

	static class ThreadRecorder {

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		final AtomicInteger count = new AtomicInteger();

		@MqttSubscribe(id = "threads", topics = "${test.prefix}/t/+", concurrency = "4")
		void onMessage(String payload) {
			this.threads.add(Thread.currentThread());
			this.count.incrementAndGet();
		}

	}

}
