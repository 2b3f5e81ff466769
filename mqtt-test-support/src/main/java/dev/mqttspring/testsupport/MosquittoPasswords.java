package dev.mqttspring.testsupport;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Mosquitto 2.x password files: {@code name:$7$<iterations>$<salt>$<hash>} lines, the hash
 * being PBKDF2-HMAC-SHA512 with 101 iterations as {@code mosquitto_passwd} writes it.
 */
final class MosquittoPasswords {

	static final int ITERATIONS = 101;

	private MosquittoPasswords() {
	}

	/**
	 * Render a password file.
	 * @param users the user names and clear text passwords
	 * @return the file content, one line per user
	 */
	static String file(Map<String, String> users) {
		StringBuilder passwords = new StringBuilder();
		users.forEach((name, password) -> passwords.append(name).append(':').append(hash(password)).append('\n'));
		return passwords.toString();
	}

	/**
	 * Hash a password with a random salt.
	 * @param password the clear text password
	 * @return the encoded hash
	 */
	static String hash(String password) {
		byte[] salt = new byte[12];
		new SecureRandom().nextBytes(salt);
		Base64.Encoder base64 = Base64.getEncoder();
		return "$7$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
				+ base64.encodeToString(pbkdf2(password, salt, ITERATIONS));
	}

	static byte[] pbkdf2(String password, byte[] salt, int iterations) {
		try {
			// SunJCE encodes the password chars as UTF-8, as mosquitto_passwd does with its byte string.
			PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 512);
			return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not hash mosquitto password", ex);
		}
	}

}
