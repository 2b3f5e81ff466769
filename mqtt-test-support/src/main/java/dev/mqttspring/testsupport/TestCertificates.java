package dev.mqttspring.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Generates a set of PEM encoded test certificates and keys (trusted CA, server, wrong-host server,
 * client, untrusted CA and server) that work with both mosquitto and Spring Boot PEM SSL bundles.
 *
 * <p>
 * Certificates are RSA 2048 / SHA256withRSA, valid from one day in the past to 30 days in the
 * future. Private keys are unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}).
 */
public final class TestCertificates {

	private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Generates all certificates and keys into the given directory, creating it if necessary.
	 * @param directory the target directory
	 * @return accessors for the generated files
	 */
	public static TestCertificates generate(Path directory) {
		try {
			Files.createDirectories(directory);
			TestCertificates certificates = new TestCertificates(directory);
			Issuer ca = Issuer.selfSigned("CN=mqtt-spring Test CA,O=mqtt-spring");
			writeCertificate(certificates.caCertificate(), ca.certificate);

			KeyPair serverKeys = newKeyPair();
			writeCertificate(certificates.serverCertificate(), ca.issue("CN=localhost,O=mqtt-spring", serverKeys,
					KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
					new GeneralName(GeneralName.dNSName, "localhost")));
			writePrivateKey(certificates.serverPrivateKey(), serverKeys.getPrivate());

			KeyPair wrongHostKeys = newKeyPair();
			writeCertificate(certificates.wrongHostCertificate(), ca.issue("CN=wrong.example.com,O=mqtt-spring",
					wrongHostKeys, KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.dNSName, "wrong.example.com")));
			writePrivateKey(certificates.wrongHostPrivateKey(), wrongHostKeys.getPrivate());

			KeyPair clientKeys = newKeyPair();
			writeCertificate(certificates.clientCertificate(),
					ca.issue("CN=mqtt-client,O=mqtt-spring", clientKeys, KeyPurposeId.id_kp_clientAuth));
			writePrivateKey(certificates.clientPrivateKey(), clientKeys.getPrivate());

			Issuer untrustedCa = Issuer.selfSigned("CN=mqtt-spring Untrusted CA,O=untrusted");
			writeCertificate(certificates.untrustedCaCertificate(), untrustedCa.certificate);
			KeyPair untrustedServerKeys = newKeyPair();
			writeCertificate(certificates.untrustedServerCertificate(), untrustedCa.issue("CN=localhost,O=untrusted",
					untrustedServerKeys, KeyPurposeId.id_kp_serverAuth,
					new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")));
			writePrivateKey(certificates.untrustedServerPrivateKey(), untrustedServerKeys.getPrivate());
			return certificates;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write test certificates to " + directory, ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not generate test certificates", ex);
		}
	}

	/**
	 * Returns the directory holding the generated files.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Returns the trusted CA certificate ({@code ca.crt}).
	 * @return the PEM file
	 */
	public Path caCertificate() {
		return this.directory.resolve("ca.crt");
	}

	/**
	 * Returns the server certificate signed by the CA with SANs IP 127.0.0.1 and DNS localhost ({@code server.crt}).
	 * @return the PEM file
	 */
	public Path serverCertificate() {
		return this.directory.resolve("server.crt");
	}

	/**
	 * Returns the PKCS#8 private key of the server certificate ({@code server.key}).
	 * @return the PEM file
	 */
	public Path serverPrivateKey() {
		return this.directory.resolve("server.key");
	}

	/**
	 * Returns a CA-signed server certificate whose only SAN is DNS wrong.example.com ({@code wrong-host.crt}).
	 * @return the PEM file
	 */
	public Path wrongHostCertificate() {
		return this.directory.resolve("wrong-host.crt");
	}

	/**
	 * Returns the PKCS#8 private key of the wrong-host certificate ({@code wrong-host.key}).
	 * @return the PEM file
	 */
	public Path wrongHostPrivateKey() {
		return this.directory.resolve("wrong-host.key");
	}

	/**
	 * Returns the CA-signed client certificate with CN mqtt-client ({@code client.crt}).
	 * @return the PEM file
	 */
	public Path clientCertificate() {
		return this.directory.resolve("client.crt");
	}

	/**
	 * Returns the PKCS#8 private key of the client certificate ({@code client.key}).
	 * @return the PEM file
	 */
	public Path clientPrivateKey() {
		return this.directory.resolve("client.key");
	}

	/**
	 * Returns a second, unrelated CA certificate ({@code untrusted-ca.crt}).
	 * @return the PEM file
	 */
	public Path untrustedCaCertificate() {
		return this.directory.resolve("untrusted-ca.crt");
	}

	/**
	 * Returns a server certificate signed by the untrusted CA with SANs IP 127.0.0.1 and DNS localhost
	 * ({@code untrusted-server.crt}).
	 * @return the PEM file
	 */
	public Path untrustedServerCertificate() {
		return this.directory.resolve("untrusted-server.crt");
	}

	/**
	 * Returns the PKCS#8 private key of the untrusted server certificate ({@code untrusted-server.key}).
	 * @return the PEM file
	 */
	public Path untrustedServerPrivateKey() {
		return this.directory.resolve("untrusted-server.key");
	}

	/**
	 * Creates a TLS client context that trusts the certificates in the given PEM file and presents no client
	 * certificate.
	 * @param trustedCertificates PEM file with one or more trusted certificates
	 * @return the SSL context
	 */
	public static SSLContext sslContext(Path trustedCertificates) {
		return sslContext(trustedCertificates, null, null);
	}

	/**
	 * Creates a TLS context that trusts the certificates in the given PEM file and, if both are non-null,
	 * presents the given certificate and PKCS#8 private key.
	 * @param trustedCertificates PEM file with one or more trusted certificates
	 * @param certificate PEM certificate to present, or {@code null}
	 * @param privateKey PEM private key of {@code certificate}, or {@code null}
	 * @return the SSL context
	 */
	public static SSLContext sslContext(Path trustedCertificates, Path certificate, Path privateKey) {
		try {
			KeyStore trustStore = KeyStore.getInstance("PKCS12");
			trustStore.load(null, null);
			int index = 0;
			for (X509Certificate trusted : readCertificates(trustedCertificates)) {
				trustStore.setCertificateEntry("trusted-" + index++, trusted);
			}
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trustStore);
			KeyManagerFactory keyManagers = null;
			if (certificate != null && privateKey != null) {
				KeyStore keyStore = KeyStore.getInstance("PKCS12");
				keyStore.load(null, null);
				char[] password = new char[0];
				keyStore.setKeyEntry("key", readPrivateKey(privateKey), password,
						readCertificates(certificate).toArray(new Certificate[0]));
				keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keyManagers.init(keyStore, password);
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((keyManagers != null) ? keyManagers.getKeyManagers() : null, trustManagers.getTrustManagers(),
					null);
			return context;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read PEM files for SSL context", ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not create SSL context trusting " + trustedCertificates, ex);
		}
	}

	private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
		CertificateFactory factory = CertificateFactory.getInstance("X.509");
		try (var in = Files.newInputStream(file)) {
			Collection<? extends Certificate> certificates = factory.generateCertificates(in);
			List<X509Certificate> result = new ArrayList<>();
			for (Certificate certificate : certificates) {
				result.add((X509Certificate) certificate);
			}
			if (result.isEmpty()) {
				throw new IllegalArgumentException("No certificate found in " + file);
			}
			return result;
		}
	}

	private static PrivateKey readPrivateKey(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
				PEMParser parser = new PEMParser(reader)) {
			Object object = parser.readObject();
			JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
			if (object instanceof PrivateKeyInfo info) {
				return converter.getPrivateKey(info);
			}
			if (object instanceof PEMKeyPair pair) {
				return converter.getKeyPair(pair).getPrivate();
			}
			throw new IllegalArgumentException("No unencrypted private key found in " + file + " (found "
					+ ((object != null) ? object.getClass().getSimpleName() : "nothing") + ")");
		}
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048, RANDOM);
		return generator.generateKeyPair();
	}

	private static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
		try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
				JcaPEMWriter pem = new JcaPEMWriter(writer)) {
			pem.writeObject(certificate);
		}
	}

	private static void writePrivateKey(Path file, PrivateKey key) throws IOException {
		// getEncoded() of a JCA private key is PKCS#8, written as "BEGIN PRIVATE KEY".
		try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
				JcaPEMWriter pem = new JcaPEMWriter(writer)) {
			pem.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
		}
	}

	private static final class Issuer {

		private final X509Certificate certificate;

		private final KeyPair keyPair;

		private Issuer(X509Certificate certificate, KeyPair keyPair) {
			this.certificate = certificate;
			this.keyPair = keyPair;
		}

		static Issuer selfSigned(String subject) throws GeneralSecurityException, IOException {
			KeyPair keyPair = newKeyPair();
			X500Name name = new X500Name(subject);
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = builder(name, name, keyPair)
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(keyPair.getPublic()));
			return new Issuer(sign(builder, keyPair.getPrivate()), keyPair);
		}

		X509Certificate issue(String subject, KeyPair subjectKeys, KeyPurposeId purpose, GeneralName... subjectAltNames)
				throws GeneralSecurityException, IOException {
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = builder(X500Name.getInstance(this.certificate.getSubjectX500Principal().getEncoded()),
					new X500Name(subject), subjectKeys)
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true,
						new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(this.certificate));
			if (subjectAltNames.length > 0) {
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(subjectAltNames));
			}
			return sign(builder, this.keyPair.getPrivate());
		}

		private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
			Instant now = Instant.now();
			return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
					Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
					subjectKeys.getPublic());
		}

		private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
				throws GeneralSecurityException {
			X509CertificateHolder holder = builder.build(new Sha256WithRsaSigner(issuerKey));
			return new JcaX509CertificateConverter().getCertificate(holder);
		}

	}

	/**
	 * SHA256withRSA signer based on plain JCA. Deliberately avoids BouncyCastle's {@code JcaContentSignerBuilder}:
	 * its algorithm finder fails with {@code NoSuchFieldError} when a newer bcpkix/bcutil meets an older bcprov on
	 * the classpath (for example the bcprov that hivemq-community-edition-embedded brings in).
	 */
	private static final class Sha256WithRsaSigner implements ContentSigner {

		private static final AlgorithmIdentifier ALGORITHM = new AlgorithmIdentifier(
				PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);

		private final Signature signature;

		private final ByteArrayOutputStream content = new ByteArrayOutputStream();

		Sha256WithRsaSigner(PrivateKey key) throws GeneralSecurityException {
			this.signature = Signature.getInstance(SIGNATURE_ALGORITHM);
			this.signature.initSign(key);
		}

		@Override
		public AlgorithmIdentifier getAlgorithmIdentifier() {
			return ALGORITHM;
		}

		@Override
		public OutputStream getOutputStream() {
			return this.content;
		}

		@Override
		public byte[] getSignature() {
			try {
				this.signature.update(this.content.toByteArray());
				return this.signature.sign();
			}
			catch (SignatureException ex) {
				throw new IllegalStateException("Could not sign test certificate", ex);
			}
		}

	}

}
