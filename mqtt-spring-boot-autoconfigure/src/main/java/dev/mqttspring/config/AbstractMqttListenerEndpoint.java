package dev.mqttspring.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

import dev.mqttspring.core.InvalidTopicException;
import dev.mqttspring.core.MqttQos;
import dev.mqttspring.core.MqttRetainHandling;
import dev.mqttspring.core.MqttTopics;
import dev.mqttspring.listener.MqttAckMode;
import dev.mqttspring.listener.MqttListenerErrorHandler;
import dev.mqttspring.listener.MqttOrderingKeyResolver;

/**
 * Base class for {@link MqttListenerEndpoint}s: the topics (with {@code {name}} topic
 * variables), group, QoS and options (concurrency and ordering key among them), and the
 * validation of the filters.
 *
 * @author mqtt-spring-boot
 */
public abstract class AbstractMqttListenerEndpoint implements MqttListenerEndpoint {

	private @Nullable String id;

	private List<String> topics = List.of();

	private int qos = 1;

	private @Nullable String group;

	private @Nullable Boolean autoStartup;

	private @Nullable MqttListenerErrorHandler errorHandler;

	private @Nullable String deadLetterTopic;

	private @Nullable MqttAckMode ackMode;

	private @Nullable Integer concurrency;

	private @Nullable Boolean noLocal;

	private @Nullable Boolean retainAsPublished;

	private @Nullable MqttRetainHandling retainHandling;

	private @Nullable String orderingKeyVariable;

	private @Nullable MqttOrderingKeyResolver orderingKeyResolver;

	private @Nullable List<TopicTemplate> templates;

	@Override
	public String getId() {
		Assert.state(this.id != null, "'id' must be set");
		return this.id;
	}

	/**
	 * Set the unique listener id.
	 * @param id the id
	 */
	public void setId(String id) {
		Assert.hasText(id, "'id' must not be empty");
		this.id = id;
	}

	/**
	 * Return the topics as declared.
	 * @return the topics
	 */
	public List<String> getTopics() {
		return this.topics;
	}

	/**
	 * Set the topic filters; a level written as {@code {name}} subscribes as {@code +}
	 * and is bound to the topic variable {@code name}.
	 * @param topics the topics
	 */
	public void setTopics(List<String> topics) {
		Assert.notNull(topics, "'topics' must not be null");
		this.topics = List.copyOf(topics);
		this.templates = null;
	}

	@Override
	public int getQos() {
		return this.qos;
	}

	/**
	 * Set the requested QoS.
	 * @param qos the QoS (0, 1 or 2)
	 */
	public void setQos(int qos) {
		this.qos = qos;
	}

	@Override
	public @Nullable String getGroup() {
		return this.group;
	}

	/**
	 * Set the shared subscription group.
	 * @param group the group, or {@code null}
	 */
	public void setGroup(@Nullable String group) {
		this.group = StringUtils.hasText(group) ? group : null;
		this.templates = null;
	}

	@Override
	public @Nullable Boolean getAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Set whether to start with the application.
	 * @param autoStartup whether to start, or {@code null} for the default
	 */
	public void setAutoStartup(@Nullable Boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public @Nullable MqttListenerErrorHandler getErrorHandler() {
		return this.errorHandler;
	}

	/**
	 * Set the error handler.
	 * @param errorHandler the error handler or {@code null}
	 */
	public void setErrorHandler(@Nullable MqttListenerErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	@Override
	public @Nullable String getDeadLetterTopic() {
		return this.deadLetterTopic;
	}

	/**
	 * Set the dead-letter topic.
	 * @param deadLetterTopic the topic or {@code null}
	 */
	public void setDeadLetterTopic(@Nullable String deadLetterTopic) {
		this.deadLetterTopic = StringUtils.hasText(deadLetterTopic) ? deadLetterTopic : null;
	}

	@Override
	public @Nullable MqttAckMode getAckMode() {
		return this.ackMode;
	}

	/**
	 * Set when the listener acknowledges QoS 1/2 messages.
	 * @param ackMode the mode or {@code null} for the factory's default
	 */
	public void setAckMode(@Nullable MqttAckMode ackMode) {
		this.ackMode = ackMode;
	}

	@Override
	public @Nullable Boolean getNoLocal() {
		return this.noLocal;
	}

	/**
	 * Set whether the broker must not send the listener messages its own connection
	 * published (MQTT 5).
	 * @param noLocal the option, or {@code null} for the factory's default
	 */
	public void setNoLocal(@Nullable Boolean noLocal) {
		this.noLocal = noLocal;
	}

	@Override
	public @Nullable Boolean getRetainAsPublished() {
		return this.retainAsPublished;
	}

	/**
	 * Set whether forwarded messages keep their retain flag (MQTT 5).
	 * @param retainAsPublished the option, or {@code null} for the factory's default
	 */
	public void setRetainAsPublished(@Nullable Boolean retainAsPublished) {
		this.retainAsPublished = retainAsPublished;
	}

	@Override
	public @Nullable MqttRetainHandling getRetainHandling() {
		return this.retainHandling;
	}

	/**
	 * Set whether retained messages are sent on subscribing (MQTT 5).
	 * @param retainHandling the option, or {@code null} for the factory's default
	 */
	public void setRetainHandling(@Nullable MqttRetainHandling retainHandling) {
		this.retainHandling = retainHandling;
	}

	@Override
	public @Nullable Integer getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Set how many messages the listener may process at the same time, in order per
	 * ordering key.
	 * @param concurrency the concurrency (1 or more), or {@code null} for the factory's
	 * default
	 */
	public void setConcurrency(@Nullable Integer concurrency) {
		if (concurrency != null && concurrency < 1) {
			throw new IllegalArgumentException("Invalid concurrency " + concurrency + " of listener " + getDescription()
					+ ": it is the number of messages processed at the same time; use 1 (one at a time) or more");
		}
		this.concurrency = concurrency;
	}

	/**
	 * Order messages by the value of a topic variable instead of the topic: messages whose
	 * topics have the same value at the {@code {name}} level are processed one at a time,
	 * in arrival order. A message on a topic without that variable is ordered by its topic.
	 * @param name the name of a topic variable of one of the topics, or {@code null} to order
	 * by topic
	 */
	public void setOrderingKeyVariable(@Nullable String name) {
		this.orderingKeyVariable = StringUtils.hasText(name) ? name : null;
	}

	/**
	 * Return the name of the topic variable messages are ordered by.
	 * @return the name, or {@code null}
	 */
	public @Nullable String getOrderingKeyVariable() {
		return this.orderingKeyVariable;
	}

	/**
	 * Set what computes the ordering key of a message; takes precedence over
	 * {@link #setOrderingKeyVariable}.
	 * @param orderingKeyResolver the resolver, or {@code null}
	 */
	public void setOrderingKeyResolver(@Nullable MqttOrderingKeyResolver orderingKeyResolver) {
		this.orderingKeyResolver = orderingKeyResolver;
	}

	@Override
	public @Nullable MqttOrderingKeyResolver getOrderingKeyResolver() {
		if (this.orderingKeyResolver != null) {
			return this.orderingKeyResolver;
		}
		String name = this.orderingKeyVariable;
		if (name == null) {
			return null;
		}
		return (message) -> {
			String value = topicVariables(message.getTopic()).get(name);
			return (value != null) ? value : message.getTopic();
		};
	}

	@Override
	public String getDescription() {
		return getId();
	}

	@Override
	public List<String> getTopicFilters() {
		return templates().stream().map(TopicTemplate::filter).toList();
	}

	/**
	 * Return the topic variables of a received topic: those of the first declared topic
	 * whose filter matches it.
	 * @param topic the topic
	 * @return the variables, empty when none
	 */
	protected Map<String, String> topicVariables(String topic) {
		for (TopicTemplate template : templates()) {
			if (template.hasVariables() && MqttTopics.matches(template.filter(), topic)) {
				return template.variables(topic);
			}
		}
		return Map.of();
	}

	/**
	 * Return whether a declared topic has a {@code {name}} variable.
	 * @param name the variable name
	 * @return whether it is declared
	 */
	protected boolean hasTopicVariable(String name) {
		return templates().stream().anyMatch((template) -> template.names().contains(name));
	}

	/**
	 * Validate the topics, QoS, group and dead-letter topic.
	 * @throws IllegalArgumentException with a message naming the listener and the rule
	 */
	public void validate() {
		templates();
		try {
			MqttQos.validate(this.qos, "QoS");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid @MqttSubscribe on " + getDescription() + ": " + ex.getMessage(), ex);
		}
		if (Boolean.TRUE.equals(this.noLocal) && this.templates().stream().anyMatch((template) -> MqttTopics.isShared(template.filter()))) {
			throw new IllegalArgumentException("Invalid @MqttSubscribe on " + getDescription() + ": noLocal is set on the "
					+ "shared subscription(s) " + getTopicFilters() + ", which MQTT 5 forbids (the broker closes the "
					+ "connection); remove noLocal or the group");
		}
		if (this.orderingKeyVariable != null && this.orderingKeyResolver == null
				&& !hasTopicVariable(this.orderingKeyVariable)) {
			throw new IllegalArgumentException("Invalid ordering key of " + getDescription() + ": it orders by the topic variable '{"
					+ this.orderingKeyVariable + "}', but none of the topics " + this.topics + " has a '{"
					+ this.orderingKeyVariable + "}' level; write a topic such as 'devices/{" + this.orderingKeyVariable
					+ "}/telemetry', or name an MqttOrderingKeyResolver bean");
		}
		if (this.deadLetterTopic != null) {
			try {
				MqttTopics.validateTopicName(this.deadLetterTopic);
			}
			catch (InvalidTopicException ex) {
				throw new IllegalArgumentException("Invalid dead-letter topic of " + getDescription() + ": " + ex.getMessage(), ex);
			}
		}
	}

	private List<TopicTemplate> templates() {
		List<TopicTemplate> templates = this.templates;
		if (templates == null) {
			templates = parse();
			this.templates = templates;
		}
		return templates;
	}

	private List<TopicTemplate> parse() {
		if (this.topics.isEmpty()) {
			throw new IllegalArgumentException("@MqttSubscribe on " + getDescription()
					+ " declares no topic; set topics (or value), e.g. @MqttSubscribe(\"sensors/+/temperature\")");
		}
		if (this.group != null && (this.group.contains("/") || this.group.contains("+") || this.group.contains("#"))) {
			throw new IllegalArgumentException("Invalid @MqttSubscribe on " + getDescription() + ": group '" + this.group
					+ "' must not contain '/', '+' or '#'; use a plain name such as 'workers'");
		}
		List<TopicTemplate> result = new ArrayList<>();
		for (String topic : this.topics) {
			try {
				TopicTemplate template = TopicTemplate.parse(topic, this.group);
				MqttTopics.validateTopicFilter(template.filter());
				result.add(template);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Invalid topic filter '" + abbreviate(topic) + "' in @MqttSubscribe on "
						+ getDescription() + ": " + ex.getMessage(), ex);
			}
		}
		return List.copyOf(result);
	}

	private static String abbreviate(@Nullable String value) {
		if (value == null) {
			return "null";
		}
		String printable = value.replace("\u0000", "\\u0000");
		return (printable.length() > 80) ? printable.substring(0, 60) + "...(" + value.length() + " chars)" : printable;
	}

	/**
	 * A declared topic with its {@code {name}} levels.
	 */
	record TopicTemplate(String filter, Map<Integer, String> namesByLevel) {

		static TopicTemplate parse(String topic, @Nullable String group) {
			if (topic == null || topic.isEmpty()) {
				throw new InvalidTopicException(topic, "Topic filter must not be empty; subscribe to a filter such as "
						+ "'sensors/+/temperature' or 'sensors/#'");
			}
			String plain = topic;
			String prefix = "";
			if (MqttTopics.isShared(topic)) {
				if (group != null) {
					throw new InvalidTopicException(topic, "Topic '" + topic + "' already starts with '$share/' and group '"
							+ group + "' is set too; use either a plain filter with group, or a '$share/...' filter");
				}
				plain = MqttTopics.stripShare(topic);
				prefix = topic.substring(0, topic.length() - plain.length());
			}
			else if (group != null) {
				prefix = "$share/" + group + "/";
			}
			String[] levels = plain.split("/", -1);
			Map<Integer, String> names = new LinkedHashMap<>();
			StringBuilder filter = new StringBuilder(prefix);
			for (int i = 0; i < levels.length; i++) {
				String level = levels[i];
				if (i > 0) {
					filter.append('/');
				}
				if (level.indexOf('{') >= 0 || level.indexOf('}') >= 0) {
					if (level.length() < 3 || level.charAt(0) != '{' || level.charAt(level.length() - 1) != '}'
							|| level.indexOf('{', 1) >= 0 || level.indexOf('}') != level.length() - 1) {
						throw new InvalidTopicException(topic, "Level '" + level + "' of '" + topic
								+ "' is not a topic variable; a variable must occupy a whole level, e.g. 'sensors/{id}/temperature'");
					}
					String name = level.substring(1, level.length() - 1);
					if (names.containsValue(name)) {
						throw new InvalidTopicException(topic, "Topic variable '{" + name + "}' appears twice in '" + topic
								+ "'; give each variable its own name");
					}
					names.put(i, name);
					filter.append('+');
				}
				else {
					filter.append(level);
				}
			}
			return new TopicTemplate(filter.toString(), java.util.Collections.unmodifiableMap(names));
		}

		boolean hasVariables() {
			return !this.namesByLevel.isEmpty();
		}

		java.util.Collection<String> names() {
			return this.namesByLevel.values();
		}

		Map<String, String> variables(String topic) {
			String[] levels = topic.split("/", -1);
			Map<String, String> variables = new LinkedHashMap<>();
			this.namesByLevel.forEach((index, name) -> {
				if (index < levels.length) {
					variables.put(name, levels[index]);
				}
			});
			return variables;
		}

	}

}
