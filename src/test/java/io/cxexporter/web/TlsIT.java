package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.app.TestApps;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import io.cxexporter.testing.Tools;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from PEM files that the real openssl made, as an operator would make them. */
class TlsIT {
  @TempDir Path dir;

  @Test
  void servesHttpsFromPemFiles() throws Exception {
    Path openssl = Tools.require("openssl", "openssl");
    Process p =
        new ProcessBuilder(
                openssl.toString(),
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    StaticConnectorFactory.STREAMS.put("tls", List.of(new ScriptedStream("tickets")));
    try (TestApps.Running app =
        TestApps.startWithServer(
            dir,
            "tls: {cert_file: "
                + dir.resolve("cert.pem")
                + ", key_file: "
                + dir.resolve("key.pem")
                + "}",
            "connectors: [{name: tls, type: static}]\n")) {
      HttpClient client =
          HttpClient.newBuilder().sslContext(trusting(dir.resolve("cert.pem"))).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + app.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("cx_build_info");
    }
  }

  static SSLContext trusting(Path cert) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    try (FileInputStream in = new FileInputStream(cert.toFile())) {
      ts.setCertificateEntry("cx", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
