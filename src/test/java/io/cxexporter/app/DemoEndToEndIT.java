package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.testing.Http;
import io.cxexporter.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, as a test: the built-in demo config served on /metrics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndIT {
  /** Every family of the metric contract the demo must serve once its backfill is done. */
  static final List<String> CONTRACT =
      List.of(
          "cx_ticket_first_response_seconds",
          "cx_ticket_resolution_seconds",
          "cx_tickets_created_total",
          "cx_tickets_solved_total",
          "cx_tickets_reopened_total",
          "cx_tickets_escalated_total",
          "cx_tickets_open",
          "cx_ticket_open_oldest_age_seconds",
          "cx_tickets_unassigned",
          "cx_ticket_unassigned_oldest_age_seconds",
          "cx_sla_breaches_total",
          "cx_sla_at_risk_tickets",
          "cx_kpi_first_response_seconds",
          "cx_kpi_resolution_seconds",
          "cx_kpi_requester_wait_seconds",
          "cx_kpi_agent_replies_per_ticket",
          "cx_kpi_tickets_created",
          "cx_kpi_tickets_solved",
          "cx_kpi_csat_ratio",
          "cx_kpi_nps_score",
          "cx_kpi_ces_score",
          "cx_kpi_first_contact_resolution_ratio",
          "cx_kpi_reopen_ratio",
          "cx_kpi_escalation_ratio",
          "cx_kpi_sla_attainment_ratio",
          "cx_kpi_solved_per_agent",
          "cx_kpi_churn_ratio",
          "cx_kpi_retention_ratio",
          "cx_kpi_conversion_ratio",
          "cx_kpi_mrr_churn_ratio",
          "cx_customers",
          "cx_mrr",
          "cx_deals_closed_total",
          "cx_kpi_target",
          "cx_survey_responses_total",
          "cx_connector_up",
          "cx_connector_last_success_timestamp_seconds",
          "cx_connector_sync_duration_seconds",
          "cx_connector_backfill_progress_ratio",
          "cx_connector_requests_total",
          "cx_connector_rate_limit_remaining",
          "cx_build_info",
          "cx_config_last_reload_successful",
          "jvm_memory_used_bytes");

  Path dir;
  TestApps.Running app;
  String text;

  @BeforeAll
  void startDemo(@TempDir Path tmp) throws Exception {
    dir = tmp;
    String demo = ConfigLoader.builtInDemoText();
    String connectors = demo.substring(demo.indexOf("kpi:"));
    app = TestApps.start(dir, connectors);
    await("ready within a minute")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Http.get(app.port(), "/-/ready").statusCode() == 200);
    await("every stream backfilled within a minute")
        .atMost(Duration.ofSeconds(60))
        .until(() -> backfillDone(Http.get(app.port(), "/metrics").body()));
    app.refresh();
    text = Http.get(app.port(), "/metrics").body();
    Files.writeString(Path.of("target/demo-metrics.txt"), text); // for a look after the run
  }

  /** True when every stream of the demo reports its backfill complete. */
  static boolean backfillDone(String metrics) {
    long done =
        metrics
            .lines()
            .filter(l -> l.startsWith("cx_connector_backfill_progress_ratio{"))
            .filter(l -> l.endsWith(" 1.0"))
            .count();
    return done == 5;
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void servesEveryContractFamily() {
    for (String family : CONTRACT) {
      assertThat(text).as(family).containsPattern("(?m)^" + family + "(_bucket|_count)?[{ ]");
    }
  }

  @Test
  void theDemoHasARealisticBacklogAndKpis() {
    // client_java sorts labels by name
    assertThat(text)
        .containsPattern(
            "(?m)^cx_tickets_open\\{channel=\"email\",group=\"Technical Support\",priority=\"normal\","
                + "source=\"demo\",status=\"(open|pending)\"} [1-9]");
    assertThat(text)
        .containsPattern("(?m)^cx_kpi_csat_ratio\\{source=\"demo\",window=\"30d\"} 0\\.[6-9]");
    assertThat(text)
        .containsPattern(
            "(?m)^cx_kpi_first_response_seconds\\{hours=\"business\",source=\"demo\",stat=\"p90\","
                + "window=\"30d\"} [0-9]");
    assertThat(text)
        .containsPattern(
            "(?m)^cx_ticket_first_response_seconds_bucket\\{group=\"Billing\","
                + "hours=\"business\",source=\"demo\",le=\"60.0\"} ");
    // kpi.histogram_dimensions defaults to [group]: the histograms carry no other dimension
    assertThat(text).doesNotContainPattern("(?m)^cx_ticket_\\w+_seconds_bucket\\{[^}]*priority=");
    assertThat(text)
        .containsPattern(
            "(?m)^cx_connector_requests_total\\{code=\"200\",endpoint=\"demo/tickets\",source=\"demo\"} [1-9]");
    assertThat(text)
        .containsPattern("(?m)^cx_kpi_churn_ratio\\{source=\"demo\",window=\"30d\"} 0\\.0");
    // new tickets wait unassigned until the first reply; replies and requester wait of solves
    assertThat(text).containsPattern("(?m)^cx_tickets_unassigned\\{.*source=\"demo\"} [1-9]");
    assertThat(text)
        .containsPattern(
            "(?m)^cx_kpi_requester_wait_seconds\\{hours=\"business\",source=\"demo\",stat=\"p50\","
                + "window=\"30d\"} [1-9]");
    assertThat(text)
        .containsPattern(
            "(?m)^cx_kpi_agent_replies_per_ticket\\{source=\"demo\",window=\"30d\"} [1-9]");
  }

  @Test
  void passesPromtoolCheckMetrics() throws Exception {
    Tools.assertPromtoolAccepts(dir, text);
  }

  @Test
  void samplesHaveNoTimestampsAndHelpSaysCached() {
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String afterLabels =
            line.contains("}")
                ? line.substring(line.lastIndexOf('}') + 1)
                : line.substring(line.indexOf(' '));
        assertThat(afterLabels.trim().split(" ")).as(line).hasSize(1);
      }
    }
    assertThat(text).containsPattern("# HELP cx_kpi_csat_ratio .*Cached");
    assertThat(text).containsPattern("# HELP cx_tickets_open .*Cached");
  }

  @Test
  void negotiatesOpenMetrics() {
    HttpResponse<String> r =
        Http.get(
            app.port(),
            "/metrics",
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(r.body())
        .endsWith("# EOF\n")
        .contains("# UNIT cx_ticket_resolution_seconds seconds");
  }

  @Test
  void servesTextByDefaultAndProtobufWhenAsked() {
    assertThat(Http.get(app.port(), "/metrics").headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    HttpResponse<byte[]> pb =
        Http.getBytes(
            app.port(),
            "/metrics",
            "Accept",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
    assertThat(pb.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/vnd.google.protobuf");
    assertThat(pb.body().length).isGreaterThan(1000);
  }

  @Test
  void gzipsWhenAsked() throws IOException {
    HttpResponse<byte[]> r = Http.getBytes(app.port(), "/metrics", "Accept-Encoding", "gzip");
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    String body =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(body).contains("cx_tickets_open{");
  }

  @Test
  void statusPageShowsTheDemo() {
    String page = Http.get(app.port(), "/").body();
    assertThat(page).contains("<td>Technical Support</td>").containsPattern("<td>\\d+ left</td>");
    assertThat(page).containsPattern("data-kpi=\"csat\"><div class=\"v\">\\d+\\.\\d%");
  }

  @Test
  void healthyAndReady() {
    assertThat(Http.get(app.port(), "/-/healthy").statusCode()).isEqualTo(200);
    assertThat(Http.get(app.port(), "/-/ready").body()).isEqualTo("Ready.\n");
    assertThat(text).contains("cx_config_last_reload_successful 1.0");
  }
}
