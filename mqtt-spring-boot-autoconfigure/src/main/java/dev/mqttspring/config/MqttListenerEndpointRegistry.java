package dev.mqttspring.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

import dev.mqttspring.listener.DefaultMqttListenerContainer;
import dev.mqttspring.listener.MqttListenerContainer;

/**
 * Creates and owns the {@link MqttListenerContainer}s of the registered endpoints: lists
 * them and starts or stops them by id at runtime. As a {@link SmartLifecycle} in a phase
 * after the connection's, it starts the auto-startup containers after the connection is
 * up and stops all of them, concurrently, before the connection closes. That stop keeps the
 * subscriptions of a persistent session in the broker
 * ({@link MqttListenerContainer#shutdown(Runnable)}); stopping or unregistering one
 * container at runtime unsubscribes it.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

	/**
	 * Default bean name of the registry.
	 */
	public static final String BEAN_NAME = "mqttListenerEndpointRegistry";

	private static final Log logger = LogFactory.getLog(MqttListenerEndpointRegistry.class);

	private final Map<String, MqttListenerContainer> containers = Collections.synchronizedMap(new LinkedHashMap<>());

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private int phase = DefaultMqttListenerContainer.DEFAULT_PHASE;

	private volatile boolean running;

	/**
	 * Return the container with the given id.
	 * @param id the listener id
	 * @return the container or {@code null}
	 */
	public @Nullable MqttListenerContainer getListenerContainer(String id) {
		Assert.hasText(id, "'id' must not be empty");
		return this.containers.get(id);
	}

	/**
	 * Return the ids of all containers.
	 * @return the ids, in registration order
	 */
	public Set<String> getListenerContainerIds() {
		synchronized (this.containers) {
			return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(this.containers.keySet()));
		}
	}

	/**
	 * Return all containers.
	 * @return the containers, in registration order
	 */
	public Collection<MqttListenerContainer> getListenerContainers() {
		synchronized (this.containers) {
			return List.copyOf(this.containers.values());
		}
	}

	/**
	 * Create a container for the endpoint and register it; it is started right away when
	 * the registry is running and the container starts automatically.
	 * @param endpoint the endpoint
	 * @param factory the factory
	 * @return the container
	 */
	public MqttListenerContainer registerListenerContainer(MqttListenerEndpoint endpoint,
			MqttListenerContainerFactory factory) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		Assert.notNull(factory, "'factory' must not be null");
		String id = endpoint.getId();
		MqttListenerContainer container;
		this.lifecycleLock.lock();
		try {
			Assert.state(!this.containers.containsKey(id), () -> "Another listener is registered with the id '" + id
					+ "'; give @MqttSubscribe on " + endpoint.getDescription() + " a unique id");
			container = factory.createListenerContainer(endpoint);
			this.containers.put(id, container);
			if (this.running && container.isAutoStartup()) {
				container.start();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
		return container;
	}

	/**
	 * Stop and remove a container.
	 * @param id the listener id
	 * @return the removed container or {@code null}
	 */
	public @Nullable MqttListenerContainer unregisterListenerContainer(String id) {
		MqttListenerContainer container = this.containers.remove(id);
		if (container != null) {
			container.stop();
		}
		return container;
	}

	/**
	 * Set the lifecycle phase; it must be later than the connection's.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public boolean isAutoStartup() {
		return true;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			this.running = true;
			for (MqttListenerContainer container : getListenerContainers()) {
				if (container.isAutoStartup()) {
					container.start();
				}
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public void stop() {
		stopAll().join();
	}

	@Override
	public void stop(Runnable callback) {
		stopAll().whenComplete((result, ex) -> callback.run());
	}

	private CompletableFuture<Void> stopAll() {
		this.running = false;
		List<CompletableFuture<Void>> stopped = new ArrayList<>();
		for (MqttListenerContainer container : getListenerContainers()) {
			if (container.isRunning()) {
				CompletableFuture<Void> future = new CompletableFuture<>();
				Thread thread = new Thread(() -> {
					try {
						container.shutdown(() -> future.complete(null));
					}
					catch (Throwable ex) {
						logger.warn("Could not stop listener '" + container.getListenerId() + "'", ex);
						future.complete(null);
					}
				}, "mqtt-listener-stop-" + container.getListenerId());
				thread.setDaemon(true);
				thread.start();
				stopped.add(future);
			}
		}
		return CompletableFuture.allOf(stopped.toArray(new CompletableFuture[0]));
	}

	@Override
	public void destroy() {
		if (getListenerContainers().stream().anyMatch(MqttListenerContainer::isRunning)) {
			stop();
		}
	}

}
