package io.cxexporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.app.TestApps;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPageTest {
  static final String HOSTILE = "<script>alert('pwned')</script>";
  @TempDir Path dir;
  TestApps.Running app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aFailingLookupIsShownEscapedAndCountedWhileRecordsFlow() {
    StaticConnectorFactory.STREAMS.put(
        "lookups",
        List.of(
            new ScriptedStream("tickets")
                .page(
                    Ticket.builder("1")
                        .createdAt(Instant.now().minusSeconds(60))
                        .status(TicketStatus.OPEN)
                        .build())));
    StaticConnectorFactory.LOOKUP_FAILURES.put("lookups", "HTTP 502 <i>from</i> groups");
    app = TestApps.start(dir, "connectors: [{name: lookups, type: static, poll_interval: 1s}]\n");

    await("the tickets read")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Http.get(app.port(), "/metrics")
                    .body()
                    .contains(
                        "cx_connector_backfill_progress_ratio{source=\"lookups\",stream=\"tickets\"}"
                            + " 1.0"));

    assertThat(Http.get(app.port(), "/").body())
        .contains(
            "lookups lookup failing (ids stand for names): groups: transient: HTTP 502"
                + " &lt;i&gt;from&lt;/i&gt; groups")
        .doesNotContain("<i>from</i>");
    assertThat(Http.get(app.port(), "/metrics").body())
        .contains(
            "cx_connector_errors_total{kind=\"transient\",source=\"lookups\",stream=\"lookup/groups\"} 1.0");
  }

  @Test
  void upstreamTextIsEscapedEverywhere() {
    Instant now = Instant.now();
    ScriptedStream tickets =
        new ScriptedStream("tickets")
            .page(
                Ticket.builder("1")
                    .createdAt(now.minusSeconds(3600))
                    .status(TicketStatus.OPEN)
                    .group(HOSTILE)
                    .build());
    ScriptedStream broken = new ScriptedStream("surveys");
    // PERMANENT: the stream backs off for minutes, so its error stays on the page; a retried
    // BAD_RESPONSE clears it within a second, and the tickets can take longer than that to land
    broken.failNext(
        new ConnectorException(
            ConnectorException.Kind.PERMANENT, "garbage <img src=x onerror=alert(1)>"));
    StaticConnectorFactory.STREAMS.put("hostile", List.of(tickets, broken));
    StaticConnectorFactory.CHECKS.put("hostile", CheckResult.failed("<b>bold</b> denied"));
    app = TestApps.start(dir, "connectors: [{name: hostile, type: static, poll_interval: 1s}]\n");

    await("the surveys error on the page and the tickets page read")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Http.get(app.port(), "/").body().contains("&lt;img src=x")
                    && Http.get(app.port(), "/metrics")
                        .body()
                        .contains(
                            "cx_connector_backfill_progress_ratio{source=\"hostile\",stream=\"tickets\"}"
                                + " 1.0"));
    app.refresh();
    HttpResponse<String> page = Http.get(app.port(), "/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body())
        .contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;")
        .contains("garbage &lt;img src=x onerror=alert(1)&gt;")
        .contains("&lt;b&gt;bold&lt;/b&gt; denied")
        .doesNotContain("<script>")
        .doesNotContain("<img")
        .doesNotContain("<b>bold");
  }

  @Test
  void showsEveryStreamAndTheHeadlineTiles() {
    StaticConnectorFactory.STREAMS.put(
        "a", List.of(new ScriptedStream("tickets"), new ScriptedStream("deals")));
    app = TestApps.start(dir, "connectors: [{name: a, type: static}]\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Http.get(app.port(), "/-/ready").statusCode() == 200);

    String body = Http.get(app.port(), "/").body();

    assertThat(body)
        .contains("data-source=\"a\"")
        .contains("<td>tickets</td>")
        .contains("<td>deals</td>");
    assertThat(body)
        .contains("data-kpi=\"open-backlog\"")
        .contains("data-kpi=\"csat\"")
        .contains("data-kpi=\"nps\"");
  }
}
