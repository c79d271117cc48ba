package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.app.TestApps;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth and bearer tokens on every route but /-/healthy; HTTPS is {@link TlsIT}. */
class AuthTest {
  @TempDir Path dir;

  @Test
  void basicAuthAndBearerProtectEverythingButHealthy() throws Exception {
    StaticConnectorFactory.STREAMS.put("auth", List.of(new ScriptedStream("tickets")));
    Files.writeString(dir.resolve("pw"), "s3cret\n");
    String yaml = "connectors: [{name: auth, type: static}]\n";
    try (TestApps.Running app =
        TestApps.startWithServer(
            dir,
            "basic_auth: {username: prom, password_file: "
                + dir.resolve("pw")
                + "}, bearer_token: tok3n",
            yaml)) {
      int port = app.port();
      assertThat(Http.get(port, "/-/healthy").statusCode()).isEqualTo(200);
      HttpResponse<String> denied = Http.get(port, "/metrics");
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(denied.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"cx-exporter\"");
      assertThat(denied.body()).doesNotContain("s3cret");
      assertThat(Http.get(port, "/metrics", "Authorization", basic("prom", "wrong")).statusCode())
          .isEqualTo(401);
      assertThat(Http.get(port, "/", "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
      HttpResponse<String> ok =
          Http.get(port, "/metrics", "Authorization", basic("prom", "s3cret"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).doesNotContain("s3cret").doesNotContain("tok3n");
      assertThat(Http.get(port, "/", "Authorization", "Bearer tok3n").statusCode()).isEqualTo(200);
      assertThat(Http.get(port, "/", "Authorization", "Bearer tok3n").body())
          .doesNotContain("tok3n");
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
