package dev.mqttspring.testsupport;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link TestCertificates}.
 */
class TestCertificatesTests {

	@TempDir
	static Path directory;

	static TestCertificates certificates;

	@BeforeAll
	static void generate() {
		certificates = TestCertificates.generate(directory);
	}

	@Test
	void writesAllFilesAsPem() {
		assertThat(List.of(certificates.caCertificate(), certificates.serverCertificate(),
				certificates.wrongHostCertificate(), certificates.clientCertificate(),
				certificates.untrustedCaCertificate(), certificates.untrustedServerCertificate()))
			.allSatisfy((file) -> assertThat(file).content().startsWith("-----BEGIN CERTIFICATE-----"));
		assertThat(List.of(certificates.serverPrivateKey(), certificates.wrongHostPrivateKey(),
				certificates.clientPrivateKey(), certificates.untrustedServerPrivateKey()))
			.allSatisfy((file) -> assertThat(file).content().startsWith("-----BEGIN PRIVATE KEY-----"));
		assertThat(certificates.caCertificate()).hasFileName("ca.crt").hasParent(directory);
		assertThat(certificates.wrongHostPrivateKey()).hasFileName("wrong-host.key");
		assertThat(certificates.untrustedServerCertificate()).hasFileName("untrusted-server.crt");
	}

	@Test
	void certificatesHaveExpectedSubjectsSansAndChains() throws Exception {
		X509Certificate ca = read(certificates.caCertificate());
		X509Certificate server = read(certificates.serverCertificate());
		X509Certificate wrongHost = read(certificates.wrongHostCertificate());
		X509Certificate client = read(certificates.clientCertificate());
		X509Certificate untrustedCa = read(certificates.untrustedCaCertificate());
		X509Certificate untrustedServer = read(certificates.untrustedServerCertificate());
		assertThat(ca.getBasicConstraints()).isNotNegative();
		assertThat(server.getBasicConstraints()).isEqualTo(-1);
		assertThat(server.getSubjectAlternativeNames()).extracting((name) -> (Object) name.get(1))
			.containsExactlyInAnyOrder((Object) "127.0.0.1", "localhost");
		assertThat(wrongHost.getSubjectAlternativeNames()).extracting((name) -> (Object) name.get(1))
			.containsExactly((Object) "wrong.example.com");
		assertThat(client.getSubjectX500Principal().getName()).contains("CN=mqtt-client");
		assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("RSA");
		server.verify(ca.getPublicKey());
		wrongHost.verify(ca.getPublicKey());
		client.verify(ca.getPublicKey());
		untrustedServer.verify(untrustedCa.getPublicKey());
		assertThatException().isThrownBy(() -> untrustedServer.verify(ca.getPublicKey()));
		server.checkValidity();
		assertThat(server.getNotAfter()).isAfter(new java.util.Date(System.currentTimeMillis() + 29L * 86_400_000));
	}

	@Test
	void filesLoadAsSpringBootPemSslBundle() throws Exception {
		PemSslStoreBundle bundle = new PemSslStoreBundle(
				PemSslStoreDetails.forCertificate("file:" + certificates.clientCertificate())
					.withPrivateKey("file:" + certificates.clientPrivateKey()),
				PemSslStoreDetails.forCertificate("file:" + certificates.caCertificate()));
		KeyStore keyStore = bundle.getKeyStore();
		assertThat(keyStore.size()).isEqualTo(1);
		String alias = keyStore.aliases().nextElement();
		assertThat(keyStore.isKeyEntry(alias)).isTrue();
		assertThat(bundle.getTrustStore().size()).isEqualTo(1);
	}

	@Test
	void sslContextCanBeCreatedWithAndWithoutClientCertificate() {
		assertThat(TestCertificates.sslContext(certificates.caCertificate()).getProtocol()).isEqualTo("TLS");
		assertThat(TestCertificates
			.sslContext(certificates.caCertificate(), certificates.clientCertificate(), certificates.clientPrivateKey())
			.getProtocol()).isEqualTo("TLS");
	}

	private static X509Certificate read(Path file) throws Exception {
		try (InputStream in = Files.newInputStream(file)) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

}
