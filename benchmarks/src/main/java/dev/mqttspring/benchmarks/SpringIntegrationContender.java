package dev.mqttspring.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.integration.mqtt.core.Mqttv5ClientManager;
import org.springframework.integration.mqtt.event.MqttIntegrationEvent;
import org.springframework.integration.mqtt.event.MqttMessageDeliveredEvent;
import org.springframework.integration.mqtt.event.MqttMessageNotDeliveredEvent;
import org.springframework.integration.mqtt.event.MqttSubscribedEvent;
import org.springframework.integration.mqtt.inbound.Mqttv5PahoMessageDrivenChannelAdapter;
import org.springframework.integration.mqtt.outbound.Mqttv5PahoMessageHandler;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.GenericMessage;

/**
 * (c) A hand-wired Spring Integration MQTT flow in a small Spring context without Boot:
 * one {@link Mqttv5ClientManager} (one shared Paho v5 client, memory persistence, Paho's
 * default socket factory, i.e. Nagle on, as users get it), an async
 * {@link Mqttv5PahoMessageHandler} with async events, and a
 * {@link Mqttv5PahoMessageDrivenChannelAdapter} feeding a direct channel whose handler
 * counts. The handler has no flow control of its own when async, so the publisher keeps
 * at most 1000 publishes outstanding by counting {@link MqttMessageDeliveredEvent}s, as a
 * user would have to.
 */
final class SpringIntegrationContender implements Contender {

	private final PublishWindow window = new PublishWindow();

	private AnnotationConfigApplicationContext context;

	private MessageChannel outbound;

	@Override
	public void start(Broker broker, String topic, int qos, MessageSink sink) throws Exception {
		CountDownLatch subscribed = new CountDownLatch(1);
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(Settings.class, () -> new Settings(broker, topic, qos, sink));
		this.context.registerBean("deliveryListener", ApplicationListener.class,
				() -> (ApplicationListener<MqttIntegrationEvent>) (event) -> {
					if (event instanceof MqttMessageDeliveredEvent) {
						this.window.release();
					}
					else if (event instanceof MqttMessageNotDeliveredEvent failed) {
						this.window.failed(failed.getCause());
					}
					else if (event instanceof MqttSubscribedEvent) {
						subscribed.countDown();
					}
				});
		this.context.register(FlowConfiguration.class);
		this.context.refresh();
		if (!subscribed.await(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Spring Integration adapter did not subscribe to '" + topic + "' within 10s");
		}
		this.outbound = this.context.getBean("mqttOutbound", MessageChannel.class);
	}

	@Override
	public void publish(byte[] payload) throws Exception {
		this.window.acquire();
		this.outbound.send(new GenericMessage<>(payload));
	}

	@Override
	public void awaitPublished(long timeoutMillis) throws Exception {
		this.window.awaitEmpty(timeoutMillis);
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	record Settings(Broker broker, String topic, int qos, MessageSink sink) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class FlowConfiguration {

		@Bean
		Mqttv5ClientManager clientManager(Settings settings) {
			MqttConnectionOptions options = new MqttConnectionOptions();
			options.setServerURIs(new String[] { settings.broker().url() });
			options.setCleanStart(true);
			options.setAutomaticReconnect(true);
			Mqttv5ClientManager manager = new Mqttv5ClientManager(options, ClientIds.next("si"));
			manager.setPersistence(new MemoryPersistence());
			return manager;
		}

		@Bean
		MessageChannel mqttOutbound() {
			return new DirectChannel();
		}

		@Bean
		Mqttv5PahoMessageHandler mqttOutboundHandler(Mqttv5ClientManager clientManager, Settings settings) {
			Mqttv5PahoMessageHandler handler = new Mqttv5PahoMessageHandler(clientManager);
			handler.setAsync(true);
			handler.setAsyncEvents(true);
			handler.setDefaultTopic(settings.topic());
			handler.setDefaultQos(settings.qos());
			return handler;
		}

		@Bean
		IntegrationFlow outboundFlow(Mqttv5PahoMessageHandler mqttOutboundHandler) {
			return IntegrationFlow.from("mqttOutbound").handle(mqttOutboundHandler).get();
		}

		@Bean
		IntegrationFlow inboundFlow(Mqttv5ClientManager clientManager, Settings settings) {
			Mqttv5PahoMessageDrivenChannelAdapter adapter = new Mqttv5PahoMessageDrivenChannelAdapter(clientManager,
					settings.topic());
			adapter.setQos(settings.qos());
			adapter.setPayloadType(byte[].class);
			MessageSink sink = settings.sink();
			return IntegrationFlow.from(adapter).handle((message) -> sink.received((byte[]) message.getPayload())).get();
		}

	}

}
