package dev.mqttspring.cloud;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.mqttspring.core.MqttCredentials;
import dev.mqttspring.core.MqttCredentialsProvider;

/**
 * Credentials of an Azure IoT Hub device: the user name IoT Hub expects and a fresh SAS
 * token with its expiry, so that the connection renews it in time; the guide's Azure IoT
 * Hub recipe shows this class as is.
 */
final class AzureIotHubCredentials implements MqttCredentialsProvider {

	private final String hubHost;

	private final String deviceId;

	private final String deviceKey;

	private final Duration tokenLifetime;

	AzureIotHubCredentials(String hubHost, String deviceId, String deviceKey, Duration tokenLifetime) {
		this.hubHost = hubHost;
		this.deviceId = deviceId;
		this.deviceKey = deviceKey;
		this.tokenLifetime = tokenLifetime;
	}

	@Override
	public MqttCredentials getCredentials() {
		Instant expiresAt = Instant.now().plus(this.tokenLifetime).truncatedTo(ChronoUnit.SECONDS);
		String username = this.hubHost + "/" + this.deviceId + "/?api-version=2021-04-12";
		String token = AzureSasToken.create(this.hubHost, this.deviceId, this.deviceKey, expiresAt);
		return MqttCredentials.of(username, token, expiresAt);
	}

}
