package dev.mqttspring.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Adapts {@link MqttProperties} to {@link MqttConnectionDetails}.
 */
class PropertiesMqttConnectionDetails implements MqttConnectionDetails {

	static final String DEFAULT_URL = "tcp://localhost:1883";

	private final MqttProperties properties;

	private final @Nullable SslBundles sslBundles;

	PropertiesMqttConnectionDetails(MqttProperties properties, @Nullable SslBundles sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
	}

	@Override
	public List<String> getServerUris() {
		return parseUrls(this.properties.getUrl());
	}

	static List<String> parseUrls(@Nullable String url) {
		if (!StringUtils.hasText(url)) {
			return List.of(DEFAULT_URL);
		}
		return Arrays.stream(url.split(",")).map(String::trim).filter(StringUtils::hasText).toList();
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public @Nullable SslBundle getSslBundle() {
		String bundle = this.properties.getSsl().getBundle();
		if (!StringUtils.hasText(bundle)) {
			return null;
		}
		if (this.sslBundles == null) {
			throw new InvalidConfigurationPropertyValueException("mqtt.ssl.bundle", bundle,
					"no SSL bundles are configured; define one under spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>");
		}
		try {
			return this.sslBundles.getBundle(bundle);
		}
		catch (NoSuchSslBundleException ex) {
			throw MqttPropertyErrors.invalid("mqtt.ssl.bundle", bundle, "SSL bundle '" + bundle + "' does not exist ("
					+ configured(this.sslBundles) + "). Define it with spring.ssl.bundle.pem." + bundle
					+ ".truststore.certificate (the broker's CA, PEM) and, for a client certificate, spring.ssl.bundle.pem."
					+ bundle + ".keystore.certificate and .keystore.private-key; or with spring.ssl.bundle.jks." + bundle
					+ ".truststore.location (Java key store); or set mqtt.ssl.bundle to the name of a configured bundle", ex);
		}
	}

	private static String configured(SslBundles sslBundles) {
		try {
			List<String> names = sslBundles.getBundleNames();
			return names.isEmpty() ? "no SSL bundle is configured" : "configured bundles: " + names;
		}
		catch (RuntimeException ex) {
			return "the configured bundles are unknown";
		}
	}

	@Override
	public String toString() {
		return "PropertiesMqttConnectionDetails{serverUris=" + getServerUris() + "}";
	}

}
