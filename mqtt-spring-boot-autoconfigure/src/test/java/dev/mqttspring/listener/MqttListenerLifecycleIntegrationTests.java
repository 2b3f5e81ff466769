package dev.mqttspring.listener;

import java.util.List;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.mqttspring.annotation.MqttSubscribe;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.core.MqttConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starting and stopping listeners at runtime through the registry, auto-startup, and
 * listeners on proxied beans.
 */
class MqttListenerLifecycleIntegrationTests {

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("dev.mqttspring.listener.ListenerTestSupport#brokers")
	void stopAndStartAtRuntime(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(LifecycleListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttListenerEndpointRegistry registry = context.getBean(MqttListenerEndpointRegistry.class);
				assertThat(registry.getListenerContainerIds()).containsExactlyInAnyOrder("switchable", "witness", "lazy");
				MqttListenerContainer switchable = registry.getListenerContainer("switchable");
				MqttListenerContainer lazy = registry.getListenerContainer("lazy");
				assertThat(switchable.isRunning()).isTrue();
				assertThat(switchable.getTopicFilters()).containsExactly(prefix + "/switch/+");
				assertThat(switchable.getQos()).isEqualTo(1);
				assertThat(lazy.isRunning()).isFalse();
				assertThat(lazy.getGroup()).isNull();
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					ListenerTestSupport.publish(client, prefix + "/switch/a", "while running");
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> recorder.get("switchable").contains("while running")
								&& recorder.get("witness").contains("while running"));
					switchable.stop();
					assertThat(switchable.isRunning()).isFalse();
					ListenerTestSupport.publish(client, prefix + "/switch/a", "while stopped");
					ListenerTestSupport.publish(client, prefix + "/lazy", "before start");
					// the witness has the same filter: once it got the message, the client got it too
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> recorder.get("witness").contains("while stopped"));
					registry.getListenerContainer("lazy").start();
					switchable.start();
					ListenerTestSupport.publish(client, prefix + "/switch/a", "after restart");
					ListenerTestSupport.publish(client, prefix + "/lazy", "after start");
					await().atMost(ListenerTestSupport.timeout())
						.until(() -> recorder.get("switchable").contains("after restart")
								&& recorder.get("lazy").contains("after start"));
					assertThat(recorder.get("switchable")).containsExactly("while running", "after restart");
					assertThat(recorder.get("lazy")).containsExactly("after start");
					assertThat(switchable.getReceivedCount()).isEqualTo(2);
					assertThat(switchable.getProcessedCount()).isEqualTo(2);
					assertThat(switchable.getSubscriptionResults()).singleElement()
						.satisfies((result) -> assertThat(result.grantedQos()).isEqualTo(1));
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("proxyCases")
	void proxiedBeansReceiveThroughTheirProxy(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withUserConfiguration(ProxiedListeners.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				assertThat(context.getBean("classProxied").getClass().getName()).contains("$$SpringCGLIB$$");
				assertThat(context.getBean("interfaceProxied").getClass().getName()).contains("$Proxy");
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					ListenerTestSupport.publish(client, prefix + "/proxy/class", "c");
					ListenerTestSupport.publish(client, prefix + "/proxy/interface", "i");
					await().atMost(ListenerTestSupport.timeout())
						.untilAsserted(() -> {
							assertThat(recorder.get("class")).containsExactly("c");
							assertThat(recorder.get("interface")).containsExactly("i");
							assertThat(recorder.get("intercepted")).containsExactlyInAnyOrder("onClass", "onInterface");
						});
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@ParameterizedTest(name = "{0} MQTT {1}")
	@MethodSource("proxyCases")
	void stopDrainsQueuedWorkWithinTheShutdownTimeout(String broker, String version) {
		String prefix = ListenerTestSupport.prefix();
		ListenerTestSupport.runner(ListenerTestSupport.url(broker), version, prefix)
			.withPropertyValues("mqtt.listener.shutdown-timeout=10s")
			.withUserConfiguration(SlowListener.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Recorder recorder = context.getBean(Recorder.class);
				MqttListenerContainer container = context.getBean(MqttListenerEndpointRegistry.class).getListenerContainer("slow");
				MqttConnection client = ListenerTestSupport.client(ListenerTestSupport.url(broker), version);
				try {
					for (int i = 0; i < 3; i++) {
						ListenerTestSupport.publish(client, prefix + "/slow", "m" + i);
					}
					await().atMost(ListenerTestSupport.timeout()).until(() -> container.getReceivedCount() == 3);
					container.stop();
					assertThat(recorder.get("slow")).containsExactly("m0", "m1", "m2");
					assertThat(container.getProcessedCount()).isEqualTo(3);
				}
				finally {
					ListenerTestSupport.close(client);
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listener listener(Recorder recorder) {
			return new Listener(recorder);
		}

		static class Listener {

			private final Recorder recorder;

			Listener(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(id = "slow", topics = "${test.prefix}/slow")
			void slow(String payload) throws InterruptedException {
				Thread.sleep(300); // simulated work
				this.recorder.add("slow", payload);
			}

		}

	}

	static List<org.junit.jupiter.params.provider.Arguments> proxyCases() {
		return List.of(org.junit.jupiter.params.provider.Arguments.of("mosquitto", "5"));
	}

	@Configuration(proxyBeanMethods = false)
	static class LifecycleListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Listeners listeners(Recorder recorder) {
			return new Listeners(recorder);
		}

		static class Listeners {

			private final Recorder recorder;

			Listeners(Recorder recorder) {
				this.recorder = recorder;
			}

			@MqttSubscribe(id = "switchable", topics = "${test.prefix}/switch/+")
			void switchable(String payload) {
				this.recorder.add("switchable", payload);
			}

			@MqttSubscribe(id = "witness", topics = "${test.prefix}/switch/+")
			void witness(String payload) {
				this.recorder.add("witness", payload);
			}

			@MqttSubscribe(id = "lazy", topics = "${test.prefix}/lazy", autoStartup = "${test.lazy-autostartup:false}")
			void lazy(String payload) {
				this.recorder.add("lazy", payload);
			}

		}

	}

	interface InterfaceListener {

		@MqttSubscribe("${test.prefix}/proxy/interface")
		void onInterface(String payload);

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxiedListeners {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		ClassListener classProxied(Recorder recorder) {
			return new ClassListener(recorder);
		}

		@Bean
		InterfaceListener interfaceProxied(Recorder recorder) {
			return (payload) -> recorder.add("interface", payload);
		}

		@Bean
		static BeanPostProcessor proxyingPostProcessor(org.springframework.beans.factory.ObjectProvider<Recorder> recorder) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (!beanName.endsWith("Proxied")) {
						return bean;
					}
					ProxyFactory factory = new ProxyFactory(bean);
					factory.setProxyTargetClass(bean instanceof ClassListener);
					if (!(bean instanceof ClassListener)) {
						factory.setInterfaces(InterfaceListener.class);
					}
					factory.addAdvice((MethodInterceptor) (invocation) -> {
						recorder.getObject().add("intercepted", invocation.getMethod().getName());
						return invocation.proceed();
					});
					return factory.getProxy();
				}

			};
		}

	}

	static class ClassListener {

		private final Recorder recorder;

		ClassListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@MqttSubscribe("${test.prefix}/proxy/class")
		public void onClass(String payload) {
			this.recorder.add("class", payload);
		}

	}

}
