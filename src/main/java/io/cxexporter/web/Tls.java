package io.cxexporter.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS material from PEM files: a certificate chain and an unencrypted PKCS#8 private key ({@code
 * BEGIN PRIVATE KEY}, RSA, EC or Ed25519), as cert-manager and most CAs write them, and an optional
 * client CA bundle. Loading checks that the key belongs to the certificate, so a mismatch fails
 * start-up and {@code --config.check} instead of every handshake.
 */
final class Tls {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private Tls() {}

  /** What a TLS listener needs, loaded and checked. */
  record Material(
      KeyStore keyStore,
      KeyStore trustStore,
      WebConfig.ClientAuth clientAuth,
      List<String> protocols) {}

  /** Loads the key pair of the legacy {@code server.tls} keys (no client certificates). */
  static Material legacy(Path certFile, Path keyFile) {
    return new Material(
        keyStore(certFile, keyFile, "server.tls"),
        null,
        WebConfig.ClientAuth.NoClientCert,
        List.of("TLSv1.2", "TLSv1.3"));
  }

  /** A server factory serving {@code m}. */
  static SslContextFactory.Server factory(Material m) {
    Factory ssl = new Factory();
    apply(ssl, m);
    return ssl;
  }

  /** Sets {@code m} on {@code ssl}; inside {@link SslContextFactory#reload} for rotation. */
  static void apply(SslContextFactory.Server ssl, Material m) {
    ssl.setKeyStore(m.keyStore());
    ssl.setKeyStorePassword("");
    ssl.setIncludeProtocols(m.protocols().toArray(String[]::new));
    WebConfig.ClientAuth a = m.clientAuth();
    ssl.setNeedClientAuth(a.required());
    ssl.setWantClientAuth(a != WebConfig.ClientAuth.NoClientCert && !a.required());
    ssl.setTrustStore(m.trustStore());
    if (ssl instanceof Factory f) {
      f.acceptAnyClient = a != WebConfig.ClientAuth.NoClientCert && !a.verifies();
    }
  }

  /**
   * Jetty's server factory, able to take any client certificate without verifying it ({@code
   * RequestClientCert}, {@code RequireAnyClientCert}): Jetty's own {@code setTrustAll} applies only
   * to a factory without a key store, never to a server's.
   */
  static final class Factory extends SslContextFactory.Server {
    volatile boolean acceptAnyClient;

    @Override
    protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls)
        throws Exception {
      return acceptAnyClient ? TRUST_ALL_CERTS : super.getTrustManagers(trustStore, crls);
    }
  }

  /**
   * A key store holding the PEM key and chain, after checking that the key matches the first
   * certificate.
   *
   * @param where the config path for error messages, e.g. {@code tls_server_config}
   * @throws IllegalArgumentException one line naming the file and what is wrong with it
   */
  static KeyStore keyStore(Path certFile, Path keyFile, String where) {
    List<byte[]> certs = blocks(read(certFile, where + ".cert_file"), "CERTIFICATE");
    List<byte[]> keys = blocks(read(keyFile, where + ".key_file"), "PRIVATE KEY");
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(where + ".cert_file: no CERTIFICATE block in " + certFile);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          where
              + ".key_file: no unencrypted PKCS#8 'BEGIN PRIVATE KEY' block in "
              + keyFile
              + " (convert with: openssl pkcs8 -topk8 -nocrypt)");
    }
    Certificate[] chain;
    try {
      chain = certificates(certs);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          where
              + ".cert_file: not a valid certificate in "
              + certFile
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    PublicKey pub = chain[0].getPublicKey();
    PrivateKey key;
    try {
      key =
          KeyFactory.getInstance(pub.getAlgorithm())
              .generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          where
              + ".key_file: "
              + keyFile
              + " is not a "
              + pub.getAlgorithm()
              + " private key as the certificate "
              + certFile
              + " needs ("
              + e.getMessage()
              + ")",
          e);
    }
    if (!matches(key, pub)) {
      throw new IllegalArgumentException(
          where
              + ".key_file: the key in "
              + keyFile
              + " does not match the certificate in "
              + certFile);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("cx-exporter", key, new char[0], chain);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(where + ": cannot build a key store (" + e + ")", e);
    }
  }

  /**
   * A trust store with every certificate of a CA bundle.
   *
   * @throws IllegalArgumentException naming the file
   */
  static KeyStore trustStore(Path caFile, String where) {
    List<byte[]> certs = blocks(read(caFile, where), "CERTIFICATE");
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(where + ": no CERTIFICATE block in " + caFile);
    }
    try {
      Certificate[] cas = certificates(certs);
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      for (int i = 0; i < cas.length; i++) {
        ts.setCertificateEntry("ca-" + i, cas[i]);
      }
      return ts;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          where + ": not a valid certificate in " + caFile + " (" + e.getMessage() + ")", e);
    }
  }

  /** True when {@code key} signs what {@code pub} verifies. */
  static boolean matches(PrivateKey key, PublicKey pub) {
    String alg =
        switch (pub.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          case "DSA" -> "SHA256withDSA";
          default -> null;
        };
    if (alg == null) {
      return true; // no way to check: let the handshake tell
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static Certificate[] certificates(List<byte[]> ders) throws GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    Certificate[] out = new Certificate[ders.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = cf.generateCertificate(new ByteArrayInputStream(ders.get(i)));
    }
    return out;
  }

  private static String read(Path file, String where) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + ": no such file " + file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot read " + file + " (" + e + ")", e);
    }
  }

  private static List<byte[]> blocks(String pem, String type) {
    Matcher m = PEM.matcher(pem);
    List<byte[]> out = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
