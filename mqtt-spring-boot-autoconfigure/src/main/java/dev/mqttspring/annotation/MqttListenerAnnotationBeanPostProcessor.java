package dev.mqttspring.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.validation.Validator;

import dev.mqttspring.config.MethodMqttListenerEndpoint;
import dev.mqttspring.config.MqttListenerContainerFactory;
import dev.mqttspring.config.MqttListenerEndpointRegistrar;
import dev.mqttspring.config.MqttListenerEndpointRegistry;
import dev.mqttspring.listener.MqttListenerErrorHandler;
import dev.mqttspring.listener.MqttOrderingKeyResolver;
import dev.mqttspring.support.MqttMessageConverters;

/**
 * Finds {@link MqttSubscribe @MqttSubscribe} methods on beans (on the target class of
 * proxies), resolves placeholders and SpEL in their attributes, validates their topic
 * filters and registers a {@link MethodMqttListenerEndpoint} for each annotation. The
 * endpoints are turned into containers of the {@link MqttListenerEndpointRegistry} once
 * all singletons exist.
 *
 * @author mqtt-spring-boot
 */
public class MqttListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, Ordered, BeanFactoryAware, SmartInitializingSingleton {

	/**
	 * Bean name of the post-processor registered by the auto-configuration.
	 */
	public static final String BEAN_NAME = "dev.mqttspring.annotation.internalMqttListenerAnnotationProcessor";

	/**
	 * Bean name of the default container factory.
	 */
	public static final String DEFAULT_CONTAINER_FACTORY_BEAN_NAME = "mqttListenerContainerFactory";

	/**
	 * Suffix of the bean name of a named connection's container factory
	 * ({@code <name>MqttListenerContainerFactory}).
	 */
	public static final String CONNECTION_CONTAINER_FACTORY_BEAN_SUFFIX = "MqttListenerContainerFactory";

	/**
	 * Name of the connection configured by {@code mqtt.*}.
	 */
	public static final String DEFAULT_CONNECTION = "default";

	/**
	 * Bean name of the payload converter used by default.
	 */
	public static final String MESSAGE_CONVERTER_BEAN_NAME = "mqttMessageConverter";

	private static final Log logger = LogFactory.getLog(MqttListenerAnnotationBeanPostProcessor.class);

	private final MqttListenerEndpointRegistrar registrar = new MqttListenerEndpointRegistrar();

	private final LazyMessageHandlerMethodFactory messageHandlerMethodFactory = new LazyMessageHandlerMethodFactory();

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private final Set<String> usedIds = ConcurrentHashMap.newKeySet();

	private final List<PendingEndpoint> pending = new ArrayList<>();

	private final List<ConnectionReference> connectionReferences = new ArrayList<>();

	private volatile boolean singletonsInstantiated;

	private @Nullable BeanFactory beanFactory;

	private @Nullable BeanExpressionResolver expressionResolver;

	private @Nullable BeanExpressionContext expressionContext;

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
		if (beanFactory instanceof ConfigurableListableBeanFactory configurable) {
			this.expressionResolver = configurable.getBeanExpressionResolver();
			this.expressionContext = new BeanExpressionContext(configurable, null);
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AopInfrastructureBean || bean instanceof MqttListenerContainerFactory
				|| bean instanceof MqttListenerEndpointRegistry) {
			return bean;
		}
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)) {
			return bean;
		}
		if (!AnnotationUtils.isCandidateClass(targetClass, List.of(MqttSubscribe.class, MqttSubscribes.class))) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		Map<Method, Set<MqttSubscribe>> annotatedMethods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<Set<MqttSubscribe>>) (method) -> {
					Set<MqttSubscribe> annotations = AnnotatedElementUtils.findMergedRepeatableAnnotations(method,
							MqttSubscribe.class, MqttSubscribes.class);
					return annotations.isEmpty() ? null : annotations;
				});
		if (annotatedMethods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		annotatedMethods.forEach((method, annotations) -> {
			for (MqttSubscribe annotation : annotations) {
				processListener(annotation, method, bean, beanName);
			}
		});
		if (logger.isDebugEnabled()) {
			logger.debug(annotatedMethods.size() + " @MqttSubscribe methods processed on bean '" + beanName + "'");
		}
		return bean;
	}

	/**
	 * Create and register the endpoint of one annotation.
	 * @param annotation the annotation
	 * @param method the method on the target class
	 * @param bean the bean, possibly a proxy
	 * @param beanName the bean name
	 */
	protected void processListener(MqttSubscribe annotation, Method method, Object bean, String beanName) {
		Method invocable = checkProxy(method, bean);
		MethodMqttListenerEndpoint endpoint = new MethodMqttListenerEndpoint();
		endpoint.setBean(bean);
		endpoint.setMethod(invocable);
		endpoint.setMessageHandlerMethodFactory(this.messageHandlerMethodFactory);
		String description = ClassUtils.getQualifiedMethodName(method, ClassUtils.getUserClass(bean));
		endpoint.setId(listenerId(annotation, beanName, method, description));
		endpoint.setTopics(resolveTopics(annotation, description));
		endpoint.setQos(annotation.qos());
		endpoint.setGroup(resolveString(annotation.group(), "group", description));
		String autoStartup = resolveString(annotation.autoStartup(), "autoStartup", description);
		if (autoStartup != null) {
			if (!"true".equalsIgnoreCase(autoStartup) && !"false".equalsIgnoreCase(autoStartup)) {
				throw new BeanInitializationException("Invalid autoStartup '" + autoStartup + "' in @MqttSubscribe on "
						+ description + "; use 'true' or 'false'");
			}
			endpoint.setAutoStartup(Boolean.parseBoolean(autoStartup));
		}
		endpoint.setErrorHandler(resolveErrorHandler(annotation.errorHandler(), description));
		endpoint.setDeadLetterTopic(resolveString(annotation.deadLetterTopic(), "deadLetterTopic", description));
		try {
			endpoint.setAckMode(dev.mqttspring.listener.MqttAckMode.of(resolveString(annotation.ackMode(), "ackMode", description),
					"@MqttSubscribe(ackMode) on " + description));
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException(ex.getMessage(), ex);
		}
		endpoint.setConcurrency(resolveConcurrency(annotation.concurrency(), description));
		endpoint.setNoLocal(resolveBoolean(annotation.noLocal(), "noLocal", description));
		endpoint.setRetainAsPublished(resolveBoolean(annotation.retainAsPublished(), "retainAsPublished", description));
		try {
			endpoint.setRetainHandling(dev.mqttspring.core.MqttRetainHandling.of(
					resolveString(annotation.retainHandling(), "retainHandling", description),
					"@MqttSubscribe(retainHandling) on " + description));
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException(ex.getMessage(), ex);
		}
		resolveOrderingKey(endpoint, annotation.orderingKey(), description);
		SendTo sendTo = AnnotatedElementUtils.findMergedAnnotation(method, SendTo.class);
		if (sendTo != null && sendTo.value().length > 0) {
			String replyTopic = resolveString(sendTo.value()[0], "@SendTo", description);
			if (replyTopic != null) {
				try {
					dev.mqttspring.core.MqttTopics.validateTopicName(replyTopic);
				}
				catch (IllegalArgumentException ex) {
					throw new BeanInitializationException("Invalid @SendTo topic on " + description + ": " + ex.getMessage(), ex);
				}
			}
			endpoint.setReplyTopic(replyTopic);
		}
		try {
			endpoint.validate();
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException(ex.getMessage(), ex);
		}
		validateTopicVariables(endpoint, method, description);
		String connection = resolveString(annotation.connection(), "connection", description);
		synchronized (this.pending) {
			if (!this.singletonsInstantiated) {
				this.pending.add(new PendingEndpoint(endpoint, beanName, method));
				if (connection != null && !DEFAULT_CONNECTION.equals(connection)) {
					// the connection's container factory may not exist yet
					this.connectionReferences.add(new ConnectionReference(endpoint, connection, description));
					return;
				}
			}
		}
		if (connection != null && !DEFAULT_CONNECTION.equals(connection)) {
			this.registrar.registerEndpoint(endpoint, connectionContainerFactory(connection, description));
		}
		else {
			this.registrar.registerEndpoint(endpoint);
		}
	}

	/**
	 * Return the container factory of a named connection, or fail with the known names.
	 */
	private MqttListenerContainerFactory connectionContainerFactory(String connection, String description) {
		Assert.state(this.beanFactory != null, "BeanFactory must be set");
		String beanName = connection + CONNECTION_CONTAINER_FACTORY_BEAN_SUFFIX;
		if (this.beanFactory.containsBean(beanName)
				&& this.beanFactory.isTypeMatch(beanName, MqttListenerContainerFactory.class)) {
			return this.beanFactory.getBean(beanName, MqttListenerContainerFactory.class);
		}
		List<String> known = new ArrayList<>();
		known.add(DEFAULT_CONNECTION);
		if (this.beanFactory instanceof ListableBeanFactory listable) {
			for (String name : listable.getBeanNamesForType(MqttListenerContainerFactory.class, true, false)) {
				if (name.endsWith(CONNECTION_CONTAINER_FACTORY_BEAN_SUFFIX)
						&& name.length() > CONNECTION_CONTAINER_FACTORY_BEAN_SUFFIX.length()
						&& !name.equals(DEFAULT_CONTAINER_FACTORY_BEAN_NAME)) {
					known.add(name.substring(0, name.length() - CONNECTION_CONTAINER_FACTORY_BEAN_SUFFIX.length()));
				}
			}
		}
		String fix = connection.matches("[a-z][a-z0-9-]*")
				? "configure it with mqtt.connections." + connection + ".url (its other keys inherit mqtt.*), or use one of "
						+ known
				: "connection names consist of lowercase letters, digits and '-' and start with a letter; use one of "
						+ known;
		throw new BeanInitializationException("@MqttSubscribe on " + description + " names the connection '" + connection
				+ "', but there is no connection of that name (connections: " + known + "); " + fix
				+ " (no connection attribute: 'default')");
	}

	/**
	 * Post-processors that run after this one (unordered ones, for example) may still wrap
	 * the bean in a proxy: invoke listener methods on the bean as finally exposed.
	 */
	private void useExposedBeans() {
		synchronized (this.pending) {
			this.singletonsInstantiated = true;
			for (PendingEndpoint pending : this.pending) {
				if (this.beanFactory != null && this.beanFactory.containsBean(pending.beanName())
						&& this.beanFactory.isSingleton(pending.beanName())) {
					Object exposed = this.beanFactory.getBean(pending.beanName());
					Object original = pending.endpoint().getBean();
					if (original != null && exposed != original && AopProxyUtils.ultimateTargetClass(exposed)
						.equals(AopProxyUtils.ultimateTargetClass(original))) {
						pending.endpoint().setBean(exposed);
						pending.endpoint().setMethod(checkProxy(pending.method(), exposed));
					}
				}
			}
			this.pending.clear();
		}
	}

	private String listenerId(MqttSubscribe annotation, String beanName, Method method, String description) {
		String id = resolveString(annotation.id(), "id", description);
		if (id != null) {
			if (!this.usedIds.add(id)) {
				throw new BeanInitializationException("Another @MqttSubscribe already uses the id '" + id + "'; give "
						+ description + " a unique id");
			}
			return id;
		}
		String base = beanName + "." + method.getName();
		String candidate = base;
		for (int i = 1; !this.usedIds.add(candidate); i++) {
			candidate = base + "#" + i;
		}
		return candidate;
	}

	private List<String> resolveTopics(MqttSubscribe annotation, String description) {
		List<String> topics = new ArrayList<>();
		for (String topic : annotation.topics()) {
			Object value = resolveExpression(topic, "topics", description);
			addTopics(topics, value, description);
		}
		return topics;
	}

	private void addTopics(List<String> topics, @Nullable Object value, String description) {
		if (value instanceof String text) {
			topics.add(text);
		}
		else if (value instanceof String[] array) {
			topics.addAll(List.of(array));
		}
		else if (value instanceof Collection<?> collection) {
			collection.forEach((element) -> addTopics(topics, element, description));
		}
		else {
			throw new BeanInitializationException("@MqttSubscribe topics on " + description + " resolved to " + value
					+ "; a topic must resolve to a String, String[] or Collection<String>");
		}
	}

	private @Nullable String resolveString(String value, String attribute, String description) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		Object resolved = resolveExpression(value, attribute, description);
		if (resolved == null) {
			return null;
		}
		String text = resolved.toString();
		return StringUtils.hasText(text) ? text : null;
	}

	private @Nullable Object resolveExpression(String value, String attribute, String description) {
		try {
			String resolved = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
					? configurable.resolveEmbeddedValue(value) : value;
			if (this.expressionResolver != null && this.expressionContext != null) {
				return this.expressionResolver.evaluate(resolved, this.expressionContext);
			}
			return resolved;
		}
		catch (RuntimeException ex) {
			throw new BeanInitializationException("Could not resolve " + attribute + " '" + value + "' of @MqttSubscribe on "
					+ description + ": " + ex.getMessage(), ex);
		}
	}

	private @Nullable MqttListenerErrorHandler resolveErrorHandler(String value, String description) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		Object resolved = resolveExpression(value, "errorHandler", description);
		if (resolved instanceof MqttListenerErrorHandler handler) {
			return handler;
		}
		if (resolved instanceof String name && StringUtils.hasText(name)) {
			Assert.state(this.beanFactory != null, "BeanFactory must be set");
			try {
				return this.beanFactory.getBean(name, MqttListenerErrorHandler.class);
			}
			catch (NoSuchBeanDefinitionException ex) {
				throw new BeanInitializationException("@MqttSubscribe on " + description + " names the error handler '" + name
						+ "' but there is no MqttListenerErrorHandler bean of that name", ex);
			}
		}
		return null;
	}

	private @Nullable Boolean resolveBoolean(String value, String attribute, String description) {
		String resolved = resolveString(value, attribute, description);
		if (resolved == null) {
			return null;
		}
		if (!"true".equalsIgnoreCase(resolved.trim()) && !"false".equalsIgnoreCase(resolved.trim())) {
			throw new BeanInitializationException("Invalid " + attribute + " '" + resolved + "' in @MqttSubscribe on "
					+ description + "; use 'true' or 'false', or leave it empty for mqtt.listener."
					+ ("noLocal".equals(attribute) ? "no-local" : "retain-as-published"));
		}
		return Boolean.parseBoolean(resolved.trim());
	}

	private @Nullable Integer resolveConcurrency(String value, String description) {
		String resolved = resolveString(value, "concurrency", description);
		if (resolved == null) {
			return null;
		}
		try {
			int concurrency = Integer.parseInt(resolved.trim());
			if (concurrency >= 1) {
				return concurrency;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new BeanInitializationException("Invalid concurrency '" + resolved + "' in @MqttSubscribe on " + description
				+ ((resolved.equals(value)) ? "" : " (from '" + value + "')") + ": it is the number of messages processed at "
				+ "the same time; use a whole number of 1 or more, such as \"8\", or leave it empty for "
				+ "mqtt.listener.concurrency");
	}

	private void resolveOrderingKey(MethodMqttListenerEndpoint endpoint, String value, String description) {
		if (!StringUtils.hasText(value)) {
			return;
		}
		Object resolved = resolveExpression(value, "orderingKey", description);
		if (resolved instanceof MqttOrderingKeyResolver resolver) {
			endpoint.setOrderingKeyResolver(resolver);
			return;
		}
		if (!(resolved instanceof String text) || !StringUtils.hasText(text)) {
			return;
		}
		String key = text.trim();
		if (key.startsWith("{") || key.endsWith("}")) {
			String name = key.substring(key.startsWith("{") ? 1 : 0, key.length() - (key.endsWith("}") ? 1 : 0));
			if (!key.startsWith("{") || !key.endsWith("}") || name.isEmpty() || name.indexOf('{') >= 0
					|| name.indexOf('}') >= 0 || name.indexOf('/') >= 0) {
				throw new BeanInitializationException("Invalid orderingKey '" + key + "' in @MqttSubscribe on " + description
						+ ": write a topic variable as '{name}' (e.g. orderingKey = \"{device}\" with topics = "
						+ "\"devices/{device}/+\"), or give the name of an MqttOrderingKeyResolver bean");
			}
			endpoint.setOrderingKeyVariable(name);
			return;
		}
		Assert.state(this.beanFactory != null, "BeanFactory must be set");
		try {
			endpoint.setOrderingKeyResolver(this.beanFactory.getBean(key, MqttOrderingKeyResolver.class));
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new BeanInitializationException("@MqttSubscribe on " + description + " names the ordering key '" + key
					+ "', but there is no MqttOrderingKeyResolver bean of that name; name such a bean, write a topic "
					+ "variable as '{name}', or leave orderingKey empty to keep messages in order per topic", ex);
		}
	}

	private void validateTopicVariables(MethodMqttListenerEndpoint endpoint, Method method, String description) {
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			parameter.initParameterNameDiscovery(new org.springframework.core.DefaultParameterNameDiscoverer());
			TopicVariable annotation = parameter.getParameterAnnotation(TopicVariable.class);
			if (annotation == null) {
				continue;
			}
			String name;
			try {
				name = TopicVariableMethodArgumentResolver.name(annotation, parameter);
			}
			catch (IllegalStateException ex) {
				throw new BeanInitializationException(ex.getMessage() + " (on " + description + ")");
			}
			if (annotation.required() && !endpoint.declaresTopicVariable(name)) {
				throw new BeanInitializationException("@TopicVariable(\"" + name + "\") on " + description
						+ " has no matching '{" + name + "}' level in the topics " + endpoint.getTopics()
						+ "; write the topic as e.g. 'sensors/{" + name + "}/temperature'");
			}
		}
	}

	private Method checkProxy(Method method, Object bean) {
		if (AopUtils.isJdkDynamicProxy(bean)) {
			try {
				return AopUtils.selectInvocableMethod(method, bean.getClass());
			}
			catch (IllegalStateException ex) {
				throw new BeanInitializationException("@MqttSubscribe method '" + method.getName() + "' of "
						+ method.getDeclaringClass().getName() + " is not declared by an interface of its JDK proxy; declare"
						+ " it on an interface or use class-based proxies (proxyTargetClass = true)", ex);
			}
		}
		return method;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Assert.state(this.beanFactory != null, "BeanFactory must be set");
		if (this.beanFactory instanceof ListableBeanFactory listable) {
			List<MqttListenerConfigurer> configurers = new ArrayList<>(
					listable.getBeansOfType(MqttListenerConfigurer.class).values());
			AnnotationAwareOrderComparator.sort(configurers);
			configurers.forEach((configurer) -> configurer.configureMqttListeners(this.registrar));
		}
		if (this.registrar.getEndpointRegistry() == null) {
			this.registrar.setEndpointRegistry(this.beanFactory.getBean(MqttListenerEndpointRegistry.class));
		}
		if (this.registrar.getContainerFactory() == null
				&& this.beanFactory.containsBean(DEFAULT_CONTAINER_FACTORY_BEAN_NAME)) {
			this.registrar.setContainerFactory(
					this.beanFactory.getBean(DEFAULT_CONTAINER_FACTORY_BEAN_NAME, MqttListenerContainerFactory.class));
		}
		useExposedBeans();
		List<ConnectionReference> references;
		synchronized (this.pending) {
			references = new ArrayList<>(this.connectionReferences);
			this.connectionReferences.clear();
		}
		for (ConnectionReference reference : references) {
			this.registrar.registerEndpoint(reference.endpoint(),
					connectionContainerFactory(reference.connection(), reference.description()));
		}
		MessageHandlerMethodFactory custom = this.registrar.getMessageHandlerMethodFactory();
		this.messageHandlerMethodFactory.delegate = (custom != null) ? custom : createDefaultMessageHandlerMethodFactory();
		this.registrar.afterPropertiesSet();
	}

	private MessageHandlerMethodFactory createDefaultMessageHandlerMethodFactory() {
		BeanFactory beanFactory = this.beanFactory;
		Assert.state(beanFactory != null, "BeanFactory must be set");
		DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
		factory.setBeanFactory(beanFactory);
		MessageConverter converter = beanFactory.containsBean(MESSAGE_CONVERTER_BEAN_NAME)
				? beanFactory.getBean(MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class)
				: MqttMessageConverters.createDefault(null);
		factory.setMessageConverter(converter);
		Validator validator = findValidator(beanFactory);
		if (validator != null) {
			factory.setValidator(validator);
		}
		ConversionService conversionService = (beanFactory instanceof ConfigurableBeanFactory configurable
				&& configurable.getConversionService() != null) ? configurable.getConversionService()
						: DefaultConversionService.getSharedInstance();
		factory.setConversionService(conversionService);
		factory.setCustomArgumentResolvers(List.of(new TopicVariableMethodArgumentResolver(conversionService)));
		factory.afterPropertiesSet();
		return factory;
	}

	private static @Nullable Validator findValidator(BeanFactory beanFactory) {
		Validator validator = beanFactory.getBeanProvider(Validator.class).getIfUnique();
		if (validator == null && beanFactory.containsBean("defaultValidator")
				&& beanFactory.isTypeMatch("defaultValidator", Validator.class)) {
			validator = beanFactory.getBean("defaultValidator", Validator.class);
		}
		return validator;
	}

	private record ConnectionReference(MethodMqttListenerEndpoint endpoint, String connection, String description) {
	}

	private record PendingEndpoint(MethodMqttListenerEndpoint endpoint, String beanName, Method method) {
	}

	/**
	 * Lets endpoints found before all singletons exist use the factory that is completed
	 * afterwards.
	 */
	private static final class LazyMessageHandlerMethodFactory implements MessageHandlerMethodFactory {

		private volatile @Nullable MessageHandlerMethodFactory delegate;

		@Override
		public InvocableHandlerMethod createInvocableHandlerMethod(Object bean, Method method) {
			MessageHandlerMethodFactory current = this.delegate;
			Assert.state(current != null, "The MessageHandlerMethodFactory is not ready before all singletons exist");
			return current.createInvocableHandlerMethod(bean, method);
		}

	}

}
