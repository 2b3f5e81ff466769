package dev.mqttspring.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;
import org.springframework.util.unit.DataSize;

import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.core.MqttSubscriptionOptions;
import dev.mqttspring.listener.MqttContainerErrorHandler;
import dev.mqttspring.observation.MqttListenerObserver;

/**
 * Applies the {@code mqtt.listener.*} properties to a
 * {@link DefaultMqttListenerContainerFactory}, for applications that define their own
 * factory with the same defaults; also sets the {@link MqttContainerErrorHandler} bean, if
 * there is exactly one.
 *
 * @author mqtt-spring-boot
 */
public final class MqttListenerContainerFactoryConfigurer {

	private final MqttProperties properties;

	private final boolean virtualThreads;

	private final MqttListenerObserver observer;

	private final @Nullable MqttContainerErrorHandler containerErrorHandler;

	MqttListenerContainerFactoryConfigurer(MqttProperties properties, boolean virtualThreads, MqttListenerObserver observer,
			@Nullable MqttContainerErrorHandler containerErrorHandler) {
		this.properties = properties;
		this.observer = observer;
		this.virtualThreads = virtualThreads;
		this.containerErrorHandler = containerErrorHandler;
	}

	/**
	 * Configure the factory with the properties.
	 * @param factory the factory
	 */
	public void configure(DefaultMqttListenerContainerFactory factory) {
		MqttProperties.Listener listener = this.properties.getListener();
		PropertyMapper map = PropertyMapper.get();
		map.from(listener::isAutoStartup).to(factory::setAutoStartup);
		map.from(listener::getQueueCapacity).to(factory::setQueueCapacity);
		map.from(listener::getQueueMemory).as(DataSize::toBytes).to(factory::setQueueMemory);
		map.from(listener::getShutdownTimeout).to(factory::setShutdownTimeout);
		map.from(listener::getDeadLetterTopic).to(factory::setDeadLetterTopic);
		map.from(listener::getAckMode).to(factory::setAckMode);
		map.from(listener::getConcurrency).to(factory::setConcurrency);
		factory.setSubscriptionOptions(new MqttSubscriptionOptions(listener.isNoLocal(), listener.isRetainAsPublished(),
				listener.getRetainHandling()));
		map.from(this.properties::getConnectionTimeout).to(factory::setSubscribeTimeout);
		map.from(this.properties::isFailFast).to(factory::setFailFast);
		factory.setBackOff(backOff(listener.getRetry()));
		factory.setContainerErrorHandler(this.containerErrorHandler);
		factory.setVirtualThreads(this.virtualThreads);
		factory.setObserver(this.observer);
	}

	static BackOff backOff(MqttProperties.Listener.Retry retry) {
		if (retry.getMaxAttempts() <= 1) {
			return new FixedBackOff(0, 0);
		}
		ExponentialBackOff backOff = new ExponentialBackOff(millis(retry.getInitialInterval()), retry.getMultiplier());
		backOff.setMaxInterval(millis(retry.getMaxInterval()));
		backOff.setMaxAttempts(retry.getMaxAttempts() - 1);
		return backOff;
	}

	private static long millis(Duration duration) {
		return Math.max(0, duration.toMillis());
	}

}
