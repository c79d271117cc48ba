package io.cxexporter.web;

import io.cxexporter.config.ServerConfig;
import io.javalin.config.JavalinConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Serves HTTPS from PEM files: a certificate chain and an unencrypted PKCS#8 private key ({@code
 * BEGIN PRIVATE KEY}, RSA or EC), as cert-manager and most CAs write them.
 */
final class Tls {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private Tls() {}

  static void configure(JavalinConfig cfg, ServerConfig server) {
    KeyStore ks = keyStore(server.tls());
    cfg.jetty.addConnector(
        (jetty, httpConfig) -> {
          SslContextFactory.Server ssl = new SslContextFactory.Server();
          ssl.setKeyStore(ks);
          ssl.setKeyStorePassword("");
          HttpConfiguration https = new HttpConfiguration(httpConfig);
          SecureRequestCustomizer src = new SecureRequestCustomizer();
          src.setSniHostCheck(false);
          https.addCustomizer(src);
          ServerConnector c =
              new ServerConnector(
                  jetty,
                  new SslConnectionFactory(ssl, "http/1.1"),
                  new HttpConnectionFactory(https));
          c.setHost(server.host().isEmpty() ? null : server.host());
          c.setPort(server.port());
          return c;
        });
  }

  /**
   * A key store holding the PEM key and chain.
   *
   * @throws IllegalArgumentException naming the file that could not be used
   */
  static KeyStore keyStore(ServerConfig.Tls tls) {
    try {
      List<byte[]> certs =
          blocks(Files.readString(tls.certFile(), StandardCharsets.US_ASCII), "CERTIFICATE");
      List<byte[]> keys =
          blocks(Files.readString(tls.keyFile(), StandardCharsets.US_ASCII), "PRIVATE KEY");
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(
            "server.tls.cert_file: no CERTIFICATE block in " + tls.certFile());
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException(
            "server.tls.key_file: no unencrypted PKCS#8 'BEGIN PRIVATE KEY' block in "
                + tls.keyFile()
                + " (convert with: openssl pkcs8 -topk8 -nocrypt)");
      }
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Certificate[] chain = new Certificate[certs.size()];
      for (int i = 0; i < chain.length; i++) {
        chain[i] = cf.generateCertificate(new ByteArrayInputStream(certs.get(i)));
      }
      PrivateKey key = privateKey(keys.get(0), chain[0].getPublicKey().getAlgorithm());
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("cx-exporter", key, new char[0], chain);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "server.tls: cannot load certificate or key (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(byte[] der, String algorithm)
      throws GeneralSecurityException {
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static List<byte[]> blocks(String pem, String type) {
    Matcher m = PEM.matcher(pem);
    java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
