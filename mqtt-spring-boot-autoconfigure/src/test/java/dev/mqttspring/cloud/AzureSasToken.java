package dev.mqttspring.cloud;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Azure IoT Hub shared access signature (SAS) tokens for a device, the password of its
 * MQTT connection; the guide's Azure IoT Hub recipe shows this class as is.
 */
final class AzureSasToken {

	private AzureSasToken() {
	}

	/**
	 * Create a token that lets a device connect until the given time.
	 * @param hubHost the hub's host name, e.g. {@code my-hub.azure-devices.net}
	 * @param deviceId the device id
	 * @param deviceKey the device's primary or secondary key (base64, as the portal shows it)
	 * @param expiresAt when the token expires (whole seconds count)
	 * @return {@code SharedAccessSignature sr=...&sig=...&se=...}
	 */
	static String create(String hubHost, String deviceId, String deviceKey, Instant expiresAt) {
		String resource = URLEncoder.encode(hubHost + "/devices/" + deviceId, StandardCharsets.UTF_8);
		long expiry = expiresAt.getEpochSecond();
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(deviceKey), "HmacSHA256"));
			byte[] signature = mac.doFinal((resource + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
			return "SharedAccessSignature sr=" + resource + "&sig="
					+ URLEncoder.encode(Base64.getEncoder().encodeToString(signature), StandardCharsets.UTF_8)
					+ "&se=" + expiry;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not sign the SAS token for device '" + deviceId + "'", ex);
		}
	}

}
