package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.testing.Http;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo source has no vendor SLA data: with no {@code kpi.sla} policy it serves no SLA series at
 * all (not dozens of zeros); with one, the SLA families are there.
 */
class SlaSeriesTest {
  static final String KPI =
      """
      kpi:
        windows: [1h, 24h, 7d]
        business_hours:
          timezone: Europe/Ljubljana
          week: {mon: "08:00-17:00", tue: "08:00-17:00", wed: "08:00-17:00", thu: "08:00-17:00", fri: "08:00-17:00"}
      """;
  static final String SLA =
      """
        sla:
          - {priority: urgent, first_response: 1h, resolution: 9h, hours: business}
          - {priority: high, first_response: 2h, resolution: 18h, hours: business}
          - {priority: normal, first_response: 4h, resolution: 27h, hours: business}
          - {priority: low, first_response: 8h, resolution: 45h, hours: business}
      """;
  static final String DEMO =
      """
      connectors:
        - {name: demo, type: demo, poll_interval: 1s, backfill: 7d, tickets_per_day: 80}
      """;

  static String metrics(Path dir, String yaml) {
    try (TestApps.Running app = TestApps.start(dir, yaml)) {
      await("demo backfilled")
          .atMost(Duration.ofSeconds(60))
          .until(() -> DemoEndToEndIT.backfillDone(Http.get(app.port(), "/metrics").body()));
      app.refresh();
      return Http.get(app.port(), "/metrics").body();
    }
  }

  @Test
  void withoutSlaDataOrPolicyTheDemoServesNoSlaSeries(@TempDir Path dir) {
    String text = metrics(dir, KPI + DEMO);
    assertThat(text).containsPattern("(?m)^cx_tickets_open\\{"); // it did read tickets
    assertThat(text).doesNotContainPattern("(?m)^cx_sla_");
    assertThat(text).doesNotContainPattern("(?m)^cx_kpi_sla_attainment_ratio");
  }

  @Test
  void withAnSlaPolicyTheDemoServesTheSlaFamilies(@TempDir Path dir) {
    String text = metrics(dir, KPI + SLA + DEMO);
    assertThat(text).containsPattern("(?m)^cx_sla_breaches_total\\{");
    assertThat(text).containsPattern("(?m)^cx_sla_at_risk_tickets\\{");
    assertThat(text).containsPattern("(?m)^cx_kpi_sla_attainment_ratio\\{");
  }
}
