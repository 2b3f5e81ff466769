package dev.mqttspring.listener;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.messaging.Message;

/**
 * The default error handling: logs the failure at error level, and the payload only at
 * debug level because it may hold personal data.
 */
final class LoggingMqttListenerErrorHandler implements MqttListenerErrorHandler {

	private static final Log logger = LogFactory.getLog(MqttListenerContainer.class);

	private static final int MAX_LOGGED_PAYLOAD = 1024;

	@Override
	public void handleError(Message<byte[]> message, MqttListenerExecutionFailedException exception) {
		logger.error(exception.getMessage() + "; the message is acknowledged (configure retries, an error handler or a"
				+ " dead-letter topic to keep it)", exception.getCause());
		if (logger.isDebugEnabled()) {
			byte[] payload = message.getPayload();
			String text = new String(payload, 0, Math.min(payload.length, MAX_LOGGED_PAYLOAD), StandardCharsets.UTF_8);
			logger.debug("Payload of the failed message on '" + exception.getTopic() + "' (" + payload.length + " bytes): "
					+ text + ((payload.length > MAX_LOGGED_PAYLOAD) ? "..." : ""));
		}
	}

}
