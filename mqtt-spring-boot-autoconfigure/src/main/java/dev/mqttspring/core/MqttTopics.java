package dev.mqttspring.core;

/**
 * MQTT topic rules: validation of topic names (for publishing) and topic filters (for
 * subscribing), and matching of a topic name against a filter.
 *
 * @author mqtt-spring-boot
 */
public final class MqttTopics {

	/**
	 * Maximum length of a topic name or filter in UTF-8 bytes.
	 */
	public static final int MAX_TOPIC_LENGTH = 65_535;

	private static final String SHARE_PREFIX = "$share/";

	private MqttTopics() {
	}

	/**
	 * Validate a topic name that a message is published to.
	 * @param topic the topic name
	 * @throws InvalidTopicException if the topic breaks an MQTT rule
	 */
	public static void validateTopicName(String topic) {
		if (topic == null || topic.isEmpty()) {
			throw new InvalidTopicException(topic, "Topic must not be empty; publish to a concrete topic such as 'sensors/1/temperature'");
		}
		checkCharacters(topic, "Topic");
		int plus = topic.indexOf('+');
		int hash = topic.indexOf('#');
		if (plus >= 0 || hash >= 0) {
			char wildcard = (plus >= 0 && (hash < 0 || plus < hash)) ? '+' : '#';
			throw new InvalidTopicException(topic, "Topic '" + abbreviate(topic) + "' contains wildcard '" + wildcard
					+ "'; publish topics must be concrete, wildcards are only allowed in subscriptions");
		}
		if (topic.startsWith(SHARE_PREFIX)) {
			throw new InvalidTopicException(topic, "Topic '" + abbreviate(topic)
					+ "' starts with '$share/'; that prefix is reserved for shared subscriptions, publish to the plain topic");
		}
	}

	/**
	 * Validate a topic filter that a client subscribes to, including shared subscription
	 * filters ({@code $share/<group>/<filter>}).
	 * @param filter the topic filter
	 * @throws InvalidTopicException if the filter breaks an MQTT rule
	 */
	public static void validateTopicFilter(String filter) {
		if (filter == null || filter.isEmpty()) {
			throw new InvalidTopicException(filter, "Topic filter must not be empty; subscribe to a filter such as 'sensors/+/temperature' or 'sensors/#'");
		}
		checkCharacters(filter, "Topic filter");
		String plain = filter;
		if (filter.startsWith(SHARE_PREFIX)) {
			int slash = filter.indexOf('/', SHARE_PREFIX.length());
			String group = (slash >= 0) ? filter.substring(SHARE_PREFIX.length(), slash) : "";
			if (slash < 0 || group.isEmpty() || slash == filter.length() - 1) {
				throw new InvalidTopicException(filter, "Shared subscription '" + abbreviate(filter)
						+ "' must have the form '$share/<group>/<filter>' with a non-empty group and filter");
			}
			if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
				throw new InvalidTopicException(filter, "Shared subscription group '" + group
						+ "' must not contain '+' or '#'; use a plain name such as 'workers'");
			}
			plain = filter.substring(slash + 1);
		}
		String[] levels = plain.split("/", -1);
		for (int i = 0; i < levels.length; i++) {
			String level = levels[i];
			if (level.indexOf('#') >= 0) {
				if (!level.equals("#")) {
					throw new InvalidTopicException(filter, "Topic filter '" + abbreviate(filter) + "' has '#' inside level '" + level
							+ "'; '#' must occupy a whole level, e.g. 'a/#'");
				}
				if (i != levels.length - 1) {
					throw new InvalidTopicException(filter, "Topic filter '" + abbreviate(filter)
							+ "' has '#' before the last level; '#' is only allowed as the last level, e.g. 'a/b/#'");
				}
			}
			if (level.indexOf('+') >= 0 && !level.equals("+")) {
				throw new InvalidTopicException(filter, "Topic filter '" + abbreviate(filter) + "' has '+' inside level '" + level
						+ "'; '+' must occupy a whole level, e.g. 'a/+/b'");
			}
		}
	}

	/**
	 * Return whether the filter is a shared subscription ({@code $share/<group>/<filter>}).
	 * @param filter the topic filter
	 * @return whether the filter is shared
	 */
	public static boolean isShared(String filter) {
		return filter.startsWith(SHARE_PREFIX);
	}

	/**
	 * Return the filter without a {@code $share/<group>/} prefix, which is what incoming
	 * topics are matched against.
	 * @param filter the topic filter
	 * @return the plain filter
	 */
	public static String stripShare(String filter) {
		if (!isShared(filter)) {
			return filter;
		}
		int slash = filter.indexOf('/', SHARE_PREFIX.length());
		return (slash >= 0) ? filter.substring(slash + 1) : filter;
	}

	/**
	 * Return whether a topic name matches a topic filter, following the MQTT rules
	 * (including that {@code $}-topics do not match filters starting with a wildcard).
	 * A shared subscription filter is matched without its {@code $share/<group>/} prefix.
	 * @param filter the topic filter
	 * @param topic the topic name
	 * @return whether the topic matches
	 */
	public static boolean matches(String filter, String topic) {
		String f = stripShare(filter);
		if (!topic.isEmpty() && topic.charAt(0) == '$' && !f.isEmpty() && (f.charAt(0) == '+' || f.charAt(0) == '#')) {
			return false;
		}
		// level by level, without splitting: this runs for every incoming message
		int filterStart = 0;
		int topicStart = 0;
		while (true) {
			int filterEnd = levelEnd(f, filterStart);
			int length = filterEnd - filterStart;
			if (length == 1 && f.charAt(filterStart) == '#') {
				return true;
			}
			int topicEnd = levelEnd(topic, topicStart);
			boolean any = length == 1 && f.charAt(filterStart) == '+';
			if (!any && (topicEnd - topicStart != length || !f.regionMatches(filterStart, topic, topicStart, length))) {
				return false;
			}
			boolean lastFilterLevel = filterEnd == f.length();
			boolean lastTopicLevel = topicEnd == topic.length();
			if (lastFilterLevel || lastTopicLevel) {
				// 'a/#' also matches 'a'
				return (lastFilterLevel && lastTopicLevel)
						|| (lastTopicLevel && filterEnd + 2 == f.length() && f.charAt(filterEnd + 1) == '#');
			}
			filterStart = filterEnd + 1;
			topicStart = topicEnd + 1;
		}
	}

	private static int levelEnd(String name, int start) {
		int end = name.indexOf('/', start);
		return (end < 0) ? name.length() : end;
	}

	private static void checkCharacters(String value, String what) {
		int length = value.length();
		int utf8 = 0;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c == '\u0000') {
				throw new InvalidTopicException(value, what + " '" + printable(value) + "' contains the NUL character (U+0000) at index " + i
						+ ", which MQTT forbids; remove it");
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 >= length || !Character.isLowSurrogate(value.charAt(i + 1))) {
					throw new InvalidTopicException(value, what + " '" + printable(value) + "' contains a lone surrogate (U+"
							+ String.format("%04X", (int) c) + ") at index " + i + ", which is not valid UTF-8; use well-formed Unicode");
				}
				utf8 += 4;
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				throw new InvalidTopicException(value, what + " '" + printable(value) + "' contains a lone surrogate (U+"
						+ String.format("%04X", (int) c) + ") at index " + i + ", which is not valid UTF-8; use well-formed Unicode");
			}
			else {
				utf8 += (c < 0x80) ? 1 : (c < 0x800) ? 2 : 3;
			}
		}
		if (utf8 > MAX_TOPIC_LENGTH) {
			throw new InvalidTopicException(value, what + " '" + abbreviate(value) + "' is " + utf8 + " bytes in UTF-8; the maximum is "
					+ MAX_TOPIC_LENGTH + " bytes, use a shorter topic");
		}
	}

	private static String printable(String value) {
		StringBuilder sb = new StringBuilder();
		String v = abbreviate(value);
		for (int i = 0; i < v.length(); i++) {
			char c = v.charAt(i);
			if (c == '\u0000') {
				sb.append("\\u0000");
			}
			else if (Character.isSurrogate(c)) {
				sb.append(String.format("\\u%04X", (int) c));
			}
			else {
				sb.append(c);
			}
		}
		return sb.toString();
	}

	private static String abbreviate(String value) {
		return (value.length() > 80) ? value.substring(0, 60) + "...(" + value.length() + " chars)" : value;
	}

}
