package dev.mqttspring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidMqttPropertyException} into a start-up failure report.
 */
class InvalidMqttPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMqttPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMqttPropertyException cause) {
		return new FailureAnalysis("Invalid MQTT configuration: property '" + cause.getProperty() + "' has value '"
				+ cause.getValue() + "'.", "Fix '" + cause.getProperty() + "': " + cause.getRule(), cause);
	}

}
