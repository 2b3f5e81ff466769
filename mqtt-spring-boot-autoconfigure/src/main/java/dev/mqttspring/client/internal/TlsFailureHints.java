package dev.mqttspring.client.internal;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the TLS failures a user can fix in configuration (an untrusted CA, a certificate
 * for another host name, a broker that requires a client certificate) into a hint that
 * names the setting to change. Both client libraries report them through the JDK's
 * exceptions, somewhere in the cause chain.
 *
 * @author mqtt-spring-boot
 */
final class TlsFailureHints {

	private static final Pattern HOST = Pattern
		.compile("No (?:subject alternative (?:DNS )?names? matching (?:IP address |DNS name )?|name matching )(\\S+) found");

	private TlsFailureHints() {
	}

	/**
	 * Return a hint for a failed connect attempt, starting with "; ", or an empty string
	 * when the failure is not one of the known TLS problems.
	 * @param ex the failure
	 * @return the hint
	 */
	static String hint(Throwable ex) {
		Throwable current = ex;
		for (int depth = 0; current != null && depth < 20; depth++) {
			String message = String.valueOf(current.getMessage());
			if (current instanceof CertPathBuilderException || current instanceof CertPathValidatorException
					|| message.contains("PKIX path building failed")
					|| message.contains("unable to find valid certification path")) {
				return "; the broker's certificate is not signed by a CA the client trusts: add the broker's CA "
						+ "certificate to the truststore of the SSL bundle (mqtt.ssl.bundle), e.g. "
						+ "spring.ssl.bundle.pem.<bundle>.truststore.certificate";
			}
			Matcher host = HOST.matcher(message);
			if (current instanceof CertificateException && host.find()) {
				return "; the broker's certificate does not name the host '" + host.group(1) + "': connect with a host "
						+ "name the certificate lists, or set mqtt.ssl.hostname-verification=false (the certificate is "
						+ "still checked against the truststore)";
			}
			if (message.contains("certificate_required") || message.contains("bad_certificate")
					|| message.contains("handshake_failure") && message.contains("certificate")) {
				return "; the broker requires a client certificate: add one to the keystore of the SSL bundle "
						+ "(mqtt.ssl.bundle), e.g. spring.ssl.bundle.pem.<bundle>.keystore.certificate and "
						+ ".keystore.private-key";
			}
			current = (current.getCause() != current) ? current.getCause() : null;
		}
		return "";
	}

}
