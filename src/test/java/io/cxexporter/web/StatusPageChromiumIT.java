package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.app.TestApps;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import io.cxexporter.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the status page in a real headless Chromium (Debian's chromium) and reads the DOM. */
class StatusPageChromiumIT {
  @TempDir Path dir;

  @Test
  void theRenderedDomHasConnectorRowsAndKpiTiles() throws Exception {
    Path chromium = Tools.require("chromium", "chromium");
    Instant now = Instant.now();
    StaticConnectorFactory.STREAMS.put(
        "browser",
        List.of(
            new ScriptedStream("tickets")
                .page(
                    Ticket.builder("1")
                        .createdAt(now.minusSeconds(7200))
                        .status(TicketStatus.OPEN)
                        .group("Billing")
                        .build()),
            new ScriptedStream("deals")));
    try (TestApps.Running app =
        TestApps.start(dir, "connectors: [{name: browser, type: static}]\n")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(app.port(), "/-/ready").statusCode() == 200);
      app.refresh();

      Process p =
          new ProcessBuilder(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--user-data-dir=" + dir.resolve("chrome-profile"),
                  "--dump-dom",
                  "http://127.0.0.1:" + app.port() + "/")
              .redirectError(dir.resolve("chromium.log").toFile())
              .start();
      String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();

      assertThat(dom).contains("<title>cx-exporter</title>");
      assertThat(
              Pattern.compile("<tr class=\"connector-row\" data-source=\"browser\">")
                  .matcher(dom)
                  .results()
                  .count())
          .as("one row per stream")
          .isEqualTo(2);
      assertThat(dom).containsPattern("data-kpi=\"open-backlog\"><div class=\"v\">1</div>");
      assertThat(dom)
          .contains("data-kpi=\"oldest-open\"")
          .contains("data-kpi=\"csat\"")
          .contains("data-kpi=\"sla-attainment\"");
      assertThat(dom).contains("<td>Billing</td>");
    }
  }
}
