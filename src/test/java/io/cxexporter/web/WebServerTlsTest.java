package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.config.ServerConfig;
import io.cxexporter.testing.EmptyStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from the web config: rotation without restart, mutual TLS, and bad key pairs. */
class WebServerTlsTest {
  @TempDir Path dir;
  final PrometheusRegistry registry = new PrometheusRegistry();
  WebServer web;

  @BeforeEach
  void copyFixtures() throws Exception {
    for (String f :
        new String[] {
          "server.pem",
          "server-key.pem",
          "server2.pem",
          "server2-key.pem",
          "ca.pem",
          "client.pem",
          "client-key.pem"
        }) {
      Files.copy(Path.of("src/test/resources/web", f), dir.resolve(f));
    }
    Files.copy(dir.resolve("server.pem"), dir.resolve("tls.crt"));
    Files.copy(dir.resolve("server-key.pem"), dir.resolve("tls.key"));
  }

  @AfterEach
  void stop() {
    if (web != null) {
      web.close();
    }
  }

  Path webConfig(String extra) throws IOException {
    Path wc = dir.resolve("web.yml");
    Files.writeString(
        wc, "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n" + extra);
    return wc;
  }

  int start(Path wc) {
    web =
        WebServer.start(
            new ServerConfig("127.0.0.1", 0, null, null, null),
            new WebServer.Options("/metrics", 40, false, wc, Duration.ofHours(1)),
            registry,
            new EmptyStatus(),
            Clock.systemUTC());
    return web.port();
  }

  @Test
  void servesTheCertificateOfTheWebConfig() throws Exception {
    int port = start(webConfig(""));

    assertThat(peer(port)).isEqualTo(cert("server.pem"));
    assertThat(get(port, client(null)).statusCode()).isEqualTo(200);
    assertThat(web.scheme())
        .as("alert notifications link back to the status page with this scheme")
        .isEqualTo("https");
  }

  @Test
  void aRotatedCertificateIsServedWithoutARestart() throws Exception {
    int port = start(webConfig(""));
    replace("server2.pem", "tls.crt");
    replace("server2-key.pem", "tls.key");

    assertThat(web.reloadWebConfigIfChanged()).isNull();

    assertThat(peer(port)).isEqualTo(cert("server2.pem"));
  }

  @Test
  void aRotationToAMismatchedKeyKeepsTheOldSetupServing() throws Exception {
    int port = start(webConfig(""));
    replace("server2.pem", "tls.crt"); // the key is still server 1's

    assertThat(web.reloadWebConfigIfChanged())
        .isEqualTo(
            "--web.config.file "
                + dir.resolve("web.yml")
                + ": tls_server_config.key_file: the key in "
                + dir.resolve("tls.key")
                + " does not match the certificate in "
                + dir.resolve("tls.crt"));

    assertThat(peer(port)).isEqualTo(cert("server.pem"));
    assertThat(get(port, client(null)).statusCode()).isEqualTo(200);
  }

  @Test
  void aMismatchedKeyFailsStartUpWithOneLine() throws Exception {
    replace("server2-key.pem", "tls.key");
    Path wc = webConfig("");

    assertThatThrownBy(() -> start(wc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--web.config.file "
                + wc
                + ": tls_server_config.key_file: the key in "
                + dir.resolve("tls.key")
                + " does not match the certificate in "
                + dir.resolve("tls.crt"));
  }

  @Test
  void aMismatchedKeyInServerTlsFailsStartUpToo() {
    ServerConfig legacy =
        new ServerConfig(
            "127.0.0.1",
            0,
            null,
            null,
            new ServerConfig.Tls(dir.resolve("server.pem"), dir.resolve("server2-key.pem")));

    assertThat(WebServer.check(legacy, null))
        .containsExactly(
            "server.tls.key_file: the key in "
                + dir.resolve("server2-key.pem")
                + " does not match the certificate in "
                + dir.resolve("server.pem"));
    assertThatThrownBy(
            () ->
                WebServer.start(
                    legacy,
                    WebServer.Options.DEFAULTS,
                    registry,
                    new EmptyStatus(),
                    Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match the certificate");
  }

  @Test
  void requireAndVerifyClientCertRefusesClientsWithoutOneOrFromAnotherCa() throws Exception {
    int port = start(webConfig("  client_ca_file: ca.pem\n"));

    assertThatThrownBy(() -> get(port, client(null))).isInstanceOf(IOException.class);
    KeyStore stranger =
        Tls.keyStore(dir.resolve("server2.pem"), dir.resolve("server2-key.pem"), "test");
    assertThatThrownBy(() -> get(port, client(stranger))).isInstanceOf(IOException.class);
    KeyStore mine = Tls.keyStore(dir.resolve("client.pem"), dir.resolve("client-key.pem"), "test");
    assertThat(get(port, client(mine)).statusCode()).isEqualTo(200);
  }

  @Test
  void requireAnyClientCertTakesAnUnverifiedCertificateButNotNone() throws Exception {
    int port = start(webConfig("  client_auth_type: RequireAnyClientCert\n"));

    assertThatThrownBy(() -> get(port, client(null))).isInstanceOf(IOException.class);
    // a self-signed certificate no CA vouches for: accepted, as Go's RequireAnyClientCert does
    KeyStore selfSigned =
        Tls.keyStore(dir.resolve("server2.pem"), dir.resolve("server2-key.pem"), "test");
    assertThat(get(port, client(selfSigned)).statusCode()).isEqualTo(200);
  }

  @Test
  void minVersionTls13RefusesTls12Clients() throws Exception {
    int port = start(webConfig("  min_version: TLS13\n"));
    SSLContext ctx = client(null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      assertThatThrownBy(s::startHandshake).isInstanceOf(IOException.class);
    }
  }

  void replace(String from, String to) throws IOException {
    Files.copy(dir.resolve(from), dir.resolve(to), StandardCopyOption.REPLACE_EXISTING);
  }

  X509Certificate cert(String name) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  X509Certificate peer(int port) throws Exception {
    try (SSLSocket s =
        (SSLSocket) client(null).getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  /** Trusts both server certificates; presents {@code keys} when given. */
  SSLContext client(KeyStore keys) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("one", cert("server.pem"));
    ts.setCertificateEntry("two", cert("server2.pem"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    KeyManagerFactory kmf = null;
    if (keys != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  static HttpResponse<String> get(int port, SSLContext ctx) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(ctx)
        .connectTimeout(Duration.ofSeconds(5))
        .build()
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
