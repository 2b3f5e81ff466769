package dev.mqttspring.client;

import java.net.URI;
import java.util.Locale;

/**
 * The facts of MQTT server URLs ({@code tcp://}, {@code ssl://}, {@code ws://},
 * {@code wss://}) that configuration validation and every client backend need alike.
 *
 * @author mqtt-spring-boot
 */
public final class MqttServerUris {

	private MqttServerUris() {
	}

	/**
	 * Return the URL's port, or its scheme's default: 1883 ({@code tcp}), 8883
	 * ({@code ssl}), 80 ({@code ws}) or 443 ({@code wss}).
	 * @param uri the server URL
	 * @return the port
	 */
	public static int port(URI uri) {
		return (uri.getPort() >= 0) ? uri.getPort() : defaultPort(scheme(uri));
	}

	/**
	 * Return the default port of a scheme: 8883 ({@code ssl}), 80 ({@code ws}), 443
	 * ({@code wss}), else 1883.
	 * @param scheme the scheme, in lower case
	 * @return the port
	 */
	public static int defaultPort(String scheme) {
		return switch (scheme) {
			case "ssl" -> 8883;
			case "ws" -> 80;
			case "wss" -> 443;
			default -> 1883;
		};
	}

	/**
	 * Return whether the URL uses TLS ({@code ssl://} or {@code wss://}).
	 * @param uri the server URL
	 * @return whether TLS is used
	 */
	public static boolean isTls(URI uri) {
		String scheme = scheme(uri);
		return scheme.equals("ssl") || scheme.equals("wss");
	}

	/**
	 * Return whether the URL is a WebSocket URL ({@code ws://} or {@code wss://}).
	 * @param uri the server URL
	 * @return whether it is a WebSocket URL
	 */
	public static boolean isWebSocket(URI uri) {
		String scheme = scheme(uri);
		return scheme.equals("ws") || scheme.equals("wss");
	}

	private static String scheme(URI uri) {
		return (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
	}

}
