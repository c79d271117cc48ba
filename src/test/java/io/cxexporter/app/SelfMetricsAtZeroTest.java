package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.testing.Http;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-metrics with a known label set are on {@code /metrics} at 0 from the start, so {@code
 * rate()} and the dashboards read 0 for what never happened, not "no data".
 */
class SelfMetricsAtZeroTest {
  @TempDir Path dir;

  @Test
  void everyErrorKindOfEveryStreamAndEveryNotifierResultStartsAtZero() {
    try (TestApps.Running app =
        TestApps.start(
            dir,
            """
            alerting:
              rules:
                - {alert: Backlog, expr: {kpi: tickets_open}, above: 100000, severity: warning}
              notifiers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:9/none"}
            connectors:
              - {name: calm, type: demo, poll_interval: 1h, backfill: 1d, tickets_per_day: 5}
            """)) {
      String metrics = Http.get(app.port(), "/metrics").body();

      List<String> lines = metrics.lines().toList();
      for (String stream : List.of("tickets", "surveys", "customers", "deals")) {
        for (String kind : SelfMetrics.ERROR_KINDS) {
          assertThat(lines)
              .as("errors of %s/%s", stream, kind)
              .contains(
                  "cx_connector_errors_total{kind=\""
                      + kind
                      + "\",source=\"calm\",stream=\""
                      + stream
                      + "\"} 0.0");
        }
      }
      org.awaitility.Awaitility.await("the demo's pretend vendor keeps our clock")
          .atMost(java.time.Duration.ofSeconds(20))
          .until(
              () ->
                  Http.get(app.port(), "/metrics")
                      .body()
                      .contains("cx_connector_clock_skew_seconds{source=\"calm\"} 0.0"));
      for (String result : List.of("sent", "failed", "dropped")) {
        assertThat(lines)
            .contains("cx_notifications_total{notifier=\"hook\",result=\"" + result + "\"} 0.0")
            .contains("cx_reminders_total{notifier=\"hook\",result=\"" + result + "\"} 0.0");
      }
    }
  }

  @Test
  void theKindsAreTheConnectorFailuresThenStoreInternalAndMapping() {
    assertThat(SelfMetrics.ERROR_KINDS)
        .containsExactlyElementsOf(
            Stream.of(
                    "auth",
                    "rate_limited",
                    "transient",
                    "bad_response",
                    "permanent",
                    "feature_unavailable",
                    "store",
                    "internal",
                    "mapping")
                .toList());
  }
}
