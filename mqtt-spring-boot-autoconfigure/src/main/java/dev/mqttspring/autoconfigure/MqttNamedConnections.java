package dev.mqttspring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.mqttspring.config.DefaultMqttListenerContainerFactory;
import dev.mqttspring.core.MqttConnection;
import dev.mqttspring.core.MqttConnectionSettings;
import dev.mqttspring.core.MqttOperations;
import dev.mqttspring.core.MqttPublishObserver;
import dev.mqttspring.core.MqttTemplate;
import dev.mqttspring.core.ReplyingMqttTemplate;
import dev.mqttspring.hivemq.HiveMqClientBuilderCustomizer;
import dev.mqttspring.hivemq.HiveMqConnections;
import dev.mqttspring.listener.MqttContainerErrorHandler;
import dev.mqttspring.observation.MqttListenerObserver;
import dev.mqttspring.paho.PahoConnections;

/**
 * The named connections of {@code mqtt.connections.<name>.*}: reads and validates their
 * names and effective properties (each key not set for a connection inherits the value of
 * {@code mqtt.*}) and creates the beans of each one, {@code <name>MqttConnectionDetails},
 * {@code <name>MqttConnection}, {@code <name>MqttTemplate}, {@code <name>ReplyingMqttTemplate} and
 * {@code <name>MqttListenerContainerFactory}, all qualified with the name. The connection
 * of {@code mqtt.*} is {@value #DEFAULT}.
 *
 * @author mqtt-spring-boot
 */
public final class MqttNamedConnections implements EnvironmentAware, BeanFactoryAware, ApplicationEventPublisherAware {

	/**
	 * Bean name of this object, registered when at least one named connection is
	 * configured.
	 */
	public static final String BEAN_NAME = "mqttNamedConnections";

	/**
	 * Name of the connection configured by {@code mqtt.*}.
	 */
	public static final String DEFAULT = "default";

	/**
	 * Suffix of the connection bean of a named connection ({@code <name>MqttConnection}).
	 */
	public static final String CONNECTION_BEAN_SUFFIX = "MqttConnection";

	/**
	 * Suffix of the connection details bean of a named connection.
	 */
	public static final String CONNECTION_DETAILS_BEAN_SUFFIX = "MqttConnectionDetails";

	/**
	 * Suffix of the template bean of a named connection ({@code <name>MqttTemplate}).
	 */
	public static final String TEMPLATE_BEAN_SUFFIX = "MqttTemplate";

	/**
	 * Suffix of the replying template bean of a named connection
	 * ({@code <name>ReplyingMqttTemplate}).
	 */
	public static final String REPLYING_TEMPLATE_BEAN_SUFFIX = "ReplyingMqttTemplate";

	/**
	 * Suffix of the listener container factory bean of a named connection.
	 */
	public static final String LISTENER_CONTAINER_FACTORY_BEAN_SUFFIX = "MqttListenerContainerFactory";

	static final String PREFIX = "mqtt.connections";

	private static final String DEFAULT_PUBLISH_METRICS_BEAN_NAME = "mqttPublishMetrics";

	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

	private static final String HIVEMQ_EMBEDDED = "dev.mqttspring.embedded.EmbeddedMqttBroker";

	private final Map<String, MqttProperties> properties = new ConcurrentHashMap<>();

	private @Nullable Environment environment;

	private @Nullable ListableBeanFactory beanFactory;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile @Nullable List<String> names;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	/**
	 * Return the names of the named connections, in configuration order.
	 * @return the names, without {@value #DEFAULT}
	 */
	public List<String> getNames() {
		List<String> names = this.names;
		if (names == null) {
			names = List.copyOf(names(environment()));
			this.names = names;
		}
		return names;
	}

	/**
	 * Return the connection of the given name.
	 * @param name a connection name, or {@value #DEFAULT}
	 * @return the connection
	 */
	public MqttConnection getConnection(String name) {
		if (DEFAULT.equals(name)) {
			return beanFactory().getBean(MqttConnection.class);
		}
		return beanFactory().getBean(name + CONNECTION_BEAN_SUFFIX, MqttConnection.class);
	}

	/**
	 * Return the name of a connection.
	 * @param connection a connection
	 * @return its name, {@value #DEFAULT} for the default connection, or {@code null} for a
	 * connection that is neither
	 */
	public @Nullable String getName(MqttConnection connection) {
		for (Map.Entry<String, MqttConnection> entry : getConnections().entrySet()) {
			if (entry.getValue() == connection) {
				return entry.getKey();
			}
		}
		return null;
	}

	/**
	 * Return all connections by name, the default one first.
	 * @return the connections
	 */
	public Map<String, MqttConnection> getConnections() {
		Map<String, MqttConnection> connections = new LinkedHashMap<>();
		if (beanFactory().getBeanProvider(MqttConnection.class).getIfUnique() != null) {
			connections.put(DEFAULT, getConnection(DEFAULT));
		}
		for (String name : getNames()) {
			connections.put(name, getConnection(name));
		}
		return connections;
	}

	/**
	 * Return the effective properties of a named connection: those of {@code mqtt.*} with
	 * the keys of {@code mqtt.connections.<name>.*} on top.
	 * @param name the connection name
	 * @return the properties
	 */
	public MqttProperties getProperties(String name) {
		return this.properties.computeIfAbsent(name, (key) -> effectiveProperties(Binder.get(environment()), key));
	}

	MqttConnectionDetails connectionDetails(String name) {
		MqttProperties properties = getProperties(name);
		ListableBeanFactory beanFactory = beanFactory();
		if (!StringUtils.hasText(properties.getUrl()) && ClassUtils.isPresent(HIVEMQ_EMBEDDED, getClass().getClassLoader())) {
			MqttConnectionDetails embedded = EmbeddedBroker.details(beanFactory, properties);
			if (embedded != null) {
				return embedded;
			}
		}
		return new PropertiesMqttConnectionDetails(properties, beanFactory.getBeanProvider(SslBundles.class).getIfAvailable());
	}

	MqttConnection connection(String name) {
		MqttProperties properties = getProperties(name);
		ListableBeanFactory beanFactory = beanFactory();
		MqttConnection connection;
		try {
			MqttConnectionDetails details = beanFactory.getBean(name + CONNECTION_DETAILS_BEAN_SUFFIX,
					MqttConnectionDetails.class);
			MqttConnectionSettings settings = MqttSettingsFactory.create(properties, details, environment());
			MqttConnectionBeans.applyNamed(settings, properties, beanFactory, name);
			beanFactory.getBeanProvider(MqttConnectionCustomizer.class)
				.orderedStream()
				.forEach((customizer) -> customizer.customize(settings));
			ClassLoader classLoader = getClass().getClassLoader();
			MqttProperties.ClientLibrary library = properties.getClientLibrary();
			if (!MqttClientLibraryCondition.isPresent(library, classLoader)) {
				throw new InvalidConfigurationPropertyValueException("mqtt.client-library", library.name().toLowerCase(),
						"the library is not on the classpath; add "
								+ ((library == MqttProperties.ClientLibrary.PAHO) ? MqttClientLibraryCondition.PAHO_DEPENDENCIES
										: MqttClientLibraryCondition.HIVEMQ_DEPENDENCY)
								+ " or choose the other library");
			}
			connection = (library == MqttProperties.ClientLibrary.PAHO) ? Paho.create(settings)
					: HiveMq.create(settings, beanFactory, classLoader);
		}
		catch (InvalidConfigurationPropertyValueException ex) {
			throw forConnection(ex, name);
		}
		connection.addConnectionListener(new MqttAutoConfiguration.EventPublishingListener(connection,
				eventPublisher()));
		return connection;
	}

	MqttTemplate template(String name) {
		ListableBeanFactory beanFactory = beanFactory();
		try {
			return MqttTemplateConfiguration.createTemplate(getConnection(name), getProperties(name), messageConverter(),
					eventPublisher(),
					publishObservers(beanFactory),
					beanFactory.getBeanProvider(MqttTemplateCustomizer.class).orderedStream().toList());
		}
		catch (InvalidConfigurationPropertyValueException ex) {
			throw forConnection(ex, name);
		}
	}

	ReplyingMqttTemplate replyingTemplate(String name) {
		// the reply topic was validated with the template
		MqttTemplate template = beanFactory().getBean(name + TEMPLATE_BEAN_SUFFIX, MqttTemplate.class);
		return MqttTemplateConfiguration.createReplyingTemplate(template, getProperties(name));
	}

	/**
	 * The publish observers of a named connection's template: all {@link MqttPublishObserver}
	 * beans but the default connection's publish metrics.
	 */
	private static List<MqttPublishObserver> publishObservers(ListableBeanFactory beanFactory) {
		List<MqttPublishObserver> observers = new ArrayList<>();
		for (String beanName : beanFactory.getBeanNamesForType(MqttPublishObserver.class)) {
			if (!DEFAULT_PUBLISH_METRICS_BEAN_NAME.equals(beanName)) {
				observers.add(beanFactory.getBean(beanName, MqttPublishObserver.class));
			}
		}
		AnnotationAwareOrderComparator.sort(observers);
		return observers;
	}

	DefaultMqttListenerContainerFactory listenerContainerFactory(String name) {
		ListableBeanFactory beanFactory = beanFactory();
		DefaultMqttListenerContainerFactory factory = new DefaultMqttListenerContainerFactory(getConnection(name),
				beanFactory.getBean(name + TEMPLATE_BEAN_SUFFIX, MqttOperations.class), messageConverter());
		MqttListenerObserver observer = MqttListenerObserver
			.composite(beanFactory.getBeanProvider(MqttListenerObserver.class).orderedStream().toList());
		new MqttListenerContainerFactoryConfigurer(getProperties(name), Threading.VIRTUAL.isActive(environment()),
				observer, beanFactory.getBeanProvider(MqttContainerErrorHandler.class).getIfUnique())
			.configure(factory);
		return factory;
	}

	private MessageConverter messageConverter() {
		return beanFactory().getBean(MqttAutoConfiguration.MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class);
	}

	private ApplicationEventPublisher eventPublisher() {
		Assert.state(this.eventPublisher != null, "ApplicationEventPublisher must be set");
		return this.eventPublisher;
	}

	private Environment environment() {
		Assert.state(this.environment != null, "Environment must be set");
		return this.environment;
	}

	private ListableBeanFactory beanFactory() {
		Assert.state(this.beanFactory != null, "BeanFactory must be set");
		return this.beanFactory;
	}

	/**
	 * Read and validate the names of {@code mqtt.connections}.
	 * @param environment the environment
	 * @return the names in configuration order
	 */
	static List<String> names(Environment environment) {
		Map<String, MqttProperties> connections = Binder.get(environment)
			.bind(PREFIX, Bindable.mapOf(String.class, MqttProperties.class))
			.orElse(Map.of());
		List<String> names = new ArrayList<>();
		for (Map.Entry<String, MqttProperties> entry : connections.entrySet()) {
			String name = entry.getKey();
			if (DEFAULT.equals(name)) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "." + name, name, "'default' is the connection of mqtt.*; "
						+ "set its keys under mqtt.* or give the connection another name, e.g. mqtt.connections.cloud.url");
			}
			if (!NAME.matcher(name).matches()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "." + name, name, "a connection name must consist of "
						+ "lowercase letters, digits and '-' and start with a letter, e.g. 'cloud' or 'edge-2'; rename it");
			}
			if (!entry.getValue().getConnections().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "." + name + ".connections",
						entry.getValue().getConnections().keySet(), "named connections cannot be nested; declare each "
								+ "connection directly under mqtt.connections.<name>");
			}
			names.add(name);
		}
		return names;
	}

	/**
	 * Fail when two connections use the same fixed client id.
	 * @param environment the environment
	 * @param names the names of the named connections
	 */
	static void checkClientIds(Environment environment, List<String> names) {
		Binder binder = Binder.get(environment);
		Map<String, String> owners = new LinkedHashMap<>();
		String defaultId = binder.bind("mqtt.client-id", String.class).orElse(null);
		if (StringUtils.hasText(defaultId)) {
			owners.put(defaultId, DEFAULT);
		}
		for (String name : names) {
			String clientId = effectiveProperties(binder, name).getClientId();
			if (!StringUtils.hasText(clientId)) {
				continue;
			}
			String owner = owners.putIfAbsent(clientId, name);
			if (owner != null) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "." + name + ".client-id", clientId,
						"connection '" + owner + "' already uses this client id"
								+ (DEFAULT.equals(owner) ? " (mqtt.client-id, which a named connection inherits when it "
										+ "sets none)" : "")
								+ "; a broker keeps one session per client id and disconnects the older client, so "
								+ "every connection needs its own; set " + PREFIX + "." + name + ".client-id to another "
								+ "value, e.g. '" + clientId + "-" + name + "' (an empty value gives a random one)");
			}
		}
	}

	static MqttProperties effectiveProperties(Binder binder, String name) {
		MqttProperties properties = binder.bind("mqtt", MqttProperties.class).orElseGet(MqttProperties::new);
		properties.getConnections().clear();
		binder.bind(PREFIX + "." + name, Bindable.ofInstance(properties));
		// an empty value clears an inherited one, e.g. the credentials of mqtt.*
		properties.setUsername(emptyToNull(properties.getUsername()));
		properties.setPassword(emptyToNull(properties.getPassword()));
		properties.setClientId(emptyToNull(properties.getClientId()));
		properties.getSsl().setBundle(emptyToNull(properties.getSsl().getBundle()));
		// an outbox locks its directory: an inherited one gets a sub-directory per connection
		java.nio.file.Path outbox = properties.getOutbox().getDirectory();
		if (outbox != null && !binder.bind(PREFIX + "." + name + ".outbox.directory", java.nio.file.Path.class).isBound()) {
			properties.getOutbox().setDirectory(outbox.resolve(name));
		}
		return properties;
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	/**
	 * Name the property of the connection in an exception about an inherited or own key.
	 */
	static InvalidConfigurationPropertyValueException forConnection(InvalidConfigurationPropertyValueException ex, String name) {
		String property = ex.getName();
		if (!property.startsWith("mqtt.") || property.startsWith(PREFIX + ".")) {
			return ex;
		}
		String own = PREFIX + "." + name + "." + property.substring("mqtt.".length());
		return MqttPropertyErrors.invalid(own, ex.getValue(),
				ex.getReason() + " (connection '" + name + "': set " + own + ", or " + property + " that it inherits)",
				ex.getCause());
	}

	/**
	 * The embedded broker, when one runs, for a named connection without a URL.
	 */
	private static final class EmbeddedBroker {

		static @Nullable MqttConnectionDetails details(ListableBeanFactory beanFactory, MqttProperties properties) {
			dev.mqttspring.embedded.EmbeddedMqttBroker broker = beanFactory
				.getBeanProvider(dev.mqttspring.embedded.EmbeddedMqttBroker.class)
				.getIfUnique();
			return (broker != null) ? new MqttEmbeddedBrokerAutoConfiguration.EmbeddedBrokerConnectionDetails(broker,
					properties) : null;
		}

	}

	/**
	 * Creates a connection with the HiveMQ MQTT client.
	 */
	private static final class HiveMq {

		static MqttConnection create(MqttConnectionSettings settings, ListableBeanFactory beanFactory,
				ClassLoader classLoader) {
			MqttAutoConfiguration.HiveMqConnectionConfiguration.checkPersistence(settings);
			MqttAutoConfiguration.HiveMqConnectionConfiguration.checkWebSocketSupport(settings, classLoader);
			return HiveMqConnections.create(settings,
					beanFactory.getBeanProvider(HiveMqClientBuilderCustomizer.class).orderedStream().toList());
		}

	}

	/**
	 * Creates a connection with Eclipse Paho.
	 */
	private static final class Paho {

		static MqttConnection create(MqttConnectionSettings settings) {
			return PahoConnections.create(settings);
		}

	}

}
