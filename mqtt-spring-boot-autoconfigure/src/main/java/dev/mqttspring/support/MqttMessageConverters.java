package dev.mqttspring.support;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.ClassUtils;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * The default payload conversion: {@code byte[]} as is, {@code String} as UTF-8, and any
 * other type as JSON through the application's Jackson {@link JsonMapper} when Jackson is
 * on the classpath (read from {@code application/json}, {@code text/plain}, {@code text/json}
 * or no content type).
 *
 * @author mqtt-spring-boot
 */
public final class MqttMessageConverters {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
			MqttMessageConverters.class.getClassLoader());

	private MqttMessageConverters() {
	}

	/**
	 * Create the default converter.
	 * @param jsonMapper the application's JSON mapper, or {@code null} for a default one
	 * @return the converter
	 */
	public static CompositeMessageConverter createDefault(@Nullable Object jsonMapper) {
		List<MessageConverter> converters = new ArrayList<>();
		ByteArrayMessageConverter bytes = new ByteArrayMessageConverter();
		bytes.setStrictContentTypeMatch(false);
		converters.add(bytes);
		StringMessageConverter strings = new StringMessageConverter();
		strings.setStrictContentTypeMatch(false);
		converters.add(strings);
		if (JACKSON_PRESENT) {
			converters.add(Json.converter(jsonMapper));
		}
		return new CompositeMessageConverter(converters);
	}

	private static final class Json {

		static MessageConverter converter(@Nullable Object jsonMapper) {
			// JSON is also read from text: MqttTemplate sends a String payload as text/plain, and
			// other publishers often send JSON without a content type or as text
			MimeType[] types = { MimeTypeUtils.APPLICATION_JSON, new MimeType("application", "*+json"),
					MimeTypeUtils.TEXT_PLAIN, new MimeType("text", "json") };
			JacksonJsonMessageConverter json = (jsonMapper instanceof JsonMapper mapper)
					? new JacksonJsonMessageConverter(mapper, types) : new JacksonJsonMessageConverter(types);
			json.setStrictContentTypeMatch(false);
			return json;
		}

	}

}
