package dev.mqttspring.hivemq;

import java.net.Socket;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;

/**
 * Trust managers that verify the server's certificate chain but not its host name, for
 * {@code mqtt.ssl.hostname-verification=false}. Netty 4.2 turns on endpoint identification
 * for every client engine, so the HiveMQ client's host name verifier alone cannot turn the
 * check off: the trust manager has to skip it.
 */
final class TrustWithoutHostnameVerification extends TrustManagerFactory {

	private TrustWithoutHostnameVerification(TrustManagerFactory delegate) {
		super(new Spi(delegate), delegate.getProvider(), delegate.getAlgorithm());
	}

	/**
	 * Wrap the given trust managers, or the JVM's default ones.
	 * @param delegate the trust manager factory or {@code null} for the default trust
	 * @return a factory whose trust managers skip the host name check
	 */
	static TrustManagerFactory wrap(@Nullable TrustManagerFactory delegate) {
		if (delegate == null) {
			try {
				delegate = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
				delegate.init((KeyStore) null);
			}
			catch (NoSuchAlgorithmException | KeyStoreException ex) {
				throw new IllegalStateException("No default TLS trust managers", ex);
			}
		}
		return new TrustWithoutHostnameVerification(delegate);
	}

	private static final class Spi extends TrustManagerFactorySpi {

		private final TrustManagerFactory delegate;

		Spi(TrustManagerFactory delegate) {
			this.delegate = delegate;
		}

		@Override
		protected void engineInit(KeyStore keyStore) throws KeyStoreException {
			this.delegate.init(keyStore);
		}

		@Override
		protected void engineInit(ManagerFactoryParameters parameters) throws java.security.InvalidAlgorithmParameterException {
			this.delegate.init(parameters);
		}

		@Override
		protected TrustManager[] engineGetTrustManagers() {
			TrustManager[] managers = this.delegate.getTrustManagers().clone();
			for (int i = 0; i < managers.length; i++) {
				if (managers[i] instanceof X509TrustManager x509) {
					managers[i] = new ChainOnly(x509);
				}
			}
			return managers;
		}

	}

	private static final class ChainOnly extends X509ExtendedTrustManager {

		private final X509TrustManager delegate;

		ChainOnly(X509TrustManager delegate) {
			this.delegate = delegate;
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
			this.delegate.checkServerTrusted(chain, authType);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			this.delegate.checkServerTrusted(chain, authType);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			this.delegate.checkServerTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return this.delegate.getAcceptedIssuers();
		}

	}

}
