package dev.mqttspring.health;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Removes credentials from broker URIs and from texts that may quote them, before they
 * are shown in health details, endpoints or metrics.
 *
 * @author mqtt-spring-boot
 */
public final class MqttUriSanitizer {

	private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

	private static final String MASK = "$1******@";

	private MqttUriSanitizer() {
	}

	/**
	 * Return the text with the user info of every URI it contains masked, for example
	 * {@code tcp://******@broker:1883} for {@code tcp://user:secret@broker:1883}.
	 * @param text the URI or text, may be {@code null}
	 * @return the sanitized text, or {@code null} if the text was {@code null}
	 */
	public static @Nullable String sanitize(@Nullable String text) {
		if (text == null || text.indexOf('@') < 0) {
			return text;
		}
		return USER_INFO.matcher(text).replaceAll(MASK);
	}

	/**
	 * Return the URIs with their user info masked.
	 * @param uris the URIs
	 * @return the sanitized URIs
	 */
	public static List<String> sanitize(List<String> uris) {
		return uris.stream().map(MqttUriSanitizer::sanitize).toList();
	}

}
