package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rejected token, end to end: marked unauthorized, no retry storm, the secret nowhere. */
class UnauthorizedConnectorIT {
  @TempDir Path dir;

  @Test
  void aRejectedTokenIsReportedOnceAndPaused() throws Exception {
    WireMockServer zendesk = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    zendesk.start();
    try {
      zendesk.stubFor(
          get(anyUrl())
              .willReturn(
                  aResponse()
                      .withStatus(401)
                      .withBody("{\"error\":\"Couldn't authenticate you\"}")));
      Files.writeString(dir.resolve("token"), "zd-TOKEN-value\n");
      try (TestApps.Running app =
          TestApps.start(
              dir,
              "connectors:\n  - name: zd\n    type: zendesk\n    base_url: "
                  + zendesk.baseUrl()
                  + "\n    auth: {email: ops@acme.example, token_file: "
                  + dir.resolve("token")
                  + "}\n")) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    Http.get(app.port(), "/metrics")
                        .body()
                        .contains("cx_connector_unauthorized{source=\"zd\"} 1.0"));
        // The window is the check, not a wait for something: a runner that got a 401 sleeps for
        // minutes and offers nothing to wait on, while one that retried in a loop would make
        // several more requests within 1.5 s of the first four.
        await("the first four requests, then none for 1.5 s")
            .during(Duration.ofMillis(1500))
            .atMost(Duration.ofSeconds(10))
            .until(() -> zendesk.findAll(anyRequestedFor(anyUrl())).size() == 4);
        String metrics = Http.get(app.port(), "/metrics").body();
        String page = Http.get(app.port(), "/").body();

        assertThat(metrics).contains("cx_connector_up{source=\"zd\"} 0.0");
        assertThat(metrics)
            .contains(
                "cx_connector_requests_total{code=\"401\",endpoint=\"incremental/tickets\",source=\"zd\"} 1.0");
        assertThat(page).contains("auth: HTTP 401 from incremental/tickets: credentials rejected");
        assertThat(metrics + page).doesNotContain("zd-TOKEN-value");
        // one export request, one ratings request, one SLA policy list (the SLA stream's first
        // step), one check (users/me): each once
        assertThat(zendesk.findAll(anyRequestedFor(anyUrl()))).hasSize(4);
        zendesk.verify(
            1,
            getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                        "/api/v2/users/me.json"))
                .withHeader(
                    "Authorization",
                    equalTo(
                        okhttp3.Credentials.basic("ops@acme.example/token", "zd-TOKEN-value"))));
      }
    } finally {
      zendesk.stop();
    }
  }
}
