package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.monitoring.Dashboards.Dashboard;
import io.cxexporter.monitoring.Dashboards.Panel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboards turn orange/red at the values the alerts fire (issue 4 contract, "Thresholds").
 * The expected steps are hard-coded here, next to the alert rule each one mirrors
 * (alert-rules/*.yml); change both together.
 */
class DashboardThresholdsTest {
  /** Threshold steps: colour from value (null = the base step, -Infinity). */
  record Step(String color, Double value) {
    @Override
    public String toString() {
      return color + (value == null ? "" : " >= " + value);
    }
  }

  static List<Step> steps(Object... colorsAndValues) {
    List<Step> out = new ArrayList<>();
    out.add(new Step((String) colorsAndValues[0], null));
    for (int i = 1; i < colorsAndValues.length; i += 2) {
      out.add(
          new Step((String) colorsAndValues[i + 1], ((Number) colorsAndValues[i]).doubleValue()));
    }
    return out;
  }

  // FirstResponseSlow: source_group_hours:cx_ticket_first_response_seconds:p90_rate1h{hours=
  // "business"} > 7200 (volume >= 5/h, for 30m); kpi.targets first_response_seconds p90 max 7200
  static final List<Step> FIRST_RESPONSE = steps("green", 3600, "orange", 7200, "red");
  // kpi.targets resolution_seconds p90 max 129600; ResolutionTimeSpike is relative (1.5 x the
  // same hour of the last 3 weeks) with a 14400 s floor, so it has no absolute value to mirror
  static final List<Step> RESOLUTION = steps("green", 86400, "orange", 129600, "red");
  // CsatDrop: whole-source cx_kpi_csat_ratio{window="24h"} < 0.85 and 0.05 below 7d
  static final List<Step> CSAT = steps("red", 0.85, "orange", 0.9, "green");
  // NpsDrop: cx_kpi_nps_score{window="7d"} < 30 and 10 points below 30d
  static final List<Step> NPS = steps("red", 30, "orange", 40, "green");
  // kpi.targets sla_attainment_ratio min 0.85 (SlaBreachesRising counts breaches instead)
  static final List<Step> SLA = steps("red", 0.85, "orange", 0.9, "green");
  // SlaAtRisk: source:cx_sla_at_risk_tickets:sum >= 10 for 5m
  static final List<Step> AT_RISK = steps("green", 1, "orange", 10, "red");
  // kpi.targets tickets_open max 400 (BacklogGrowing watches created - solved over 3h)
  static final List<Step> BACKLOG = steps("green", 300, "orange", 400, "red");
  // CxConnectorStale: time() - cx_connector_last_success_timestamp_seconds
  //   > 3 * cx_connector_poll_interval_seconds for 5m (3 x the default 60 s = 180)
  static final List<Step> DATA_AGE = steps("green", 120, "orange", 180, "red");
  // CxExporterDown (up{job="cx-exporter"} == 0 for 5m); connector up 0/1
  static final List<Step> UP = steps("red", 1, "green");

  /** "file / panel title" → expected steps. */
  static final Map<String, List<Step>> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("cx-overview.json / First response p90 today", FIRST_RESPONSE);
    EXPECTED.put("cx-overview.json / Resolution p90 today", RESOLUTION);
    EXPECTED.put("cx-overview.json / CSAT 7d", CSAT);
    EXPECTED.put("cx-overview.json / NPS 30d", NPS);
    EXPECTED.put("cx-overview.json / SLA attainment 24h", SLA);
    EXPECTED.put("cx-overview.json / At-risk tickets now", AT_RISK);
    EXPECTED.put("cx-overview.json / Open backlog", BACKLOG);
    EXPECTED.put("cx-overview.json / Data age", DATA_AGE);
    EXPECTED.put("cx-overview.json / First response p90 by group", FIRST_RESPONSE);
    EXPECTED.put("cx-overview.json / Resolution p90 by group", RESOLUTION);
    EXPECTED.put("cx-exporter.json / Connector up", UP);
    EXPECTED.put("cx-exporter.json / Exporter up", UP);
    EXPECTED.put("cx-exporter.json / Data age", DATA_AGE);
    // the same KPIs on the team dashboard colour the same way
    EXPECTED.put("cx-teams.json / CSAT ($window)", CSAT);
    EXPECTED.put("cx-teams.json / NPS ($window)", NPS);
    EXPECTED.put("cx-teams.json / SLA attainment ($window)", SLA);
    EXPECTED.put("cx-teams.json / First response p90 by group", FIRST_RESPONSE);
    EXPECTED.put("cx-teams.json / Resolution p90 by group", RESOLUTION);
    EXPECTED.put("cx-teams.json / CSAT by group", CSAT);
    EXPECTED.put("cx-teams.json / SLA attainment by group", SLA);
    EXPECTED.put("cx-teams.json / At-risk tickets by priority", AT_RISK);
    EXPECTED.put("cx-teams.json / SLA attainment by priority", SLA);
    EXPECTED.put("cx-teams.json / First response p90 by priority", FIRST_RESPONSE);
    EXPECTED.put("cx-teams.json / Resolution p90 by priority", RESOLUTION);
  }

  @Test
  void dashboardThresholdsMatchTheAlertThresholds() {
    Map<String, List<Step>> actual = new LinkedHashMap<>();
    for (Dashboard d : Dashboards.load()) {
      for (Panel p : d.panels()) {
        String key = d.file() + " / " + p.title();
        if (EXPECTED.containsKey(key)) {
          actual.put(key, read(p.json().path("fieldConfig").path("defaults").path("thresholds")));
        }
      }
    }
    assertThat(actual.keySet())
        .as("panels found")
        .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    for (Map.Entry<String, List<Step>> e : EXPECTED.entrySet()) {
      assertThat(actual.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Trend panels draw the thresholds as lines: the same values, visible on the chart. */
  @Test
  void trendPanelsDrawTheirThresholds() {
    for (Dashboard d : Dashboards.load()) {
      for (Panel p : d.panels()) {
        String key = d.file() + " / " + p.title();
        if (EXPECTED.containsKey(key) && p.type().equals("timeseries")) {
          assertThat(
                  p.json()
                      .path("fieldConfig")
                      .path("defaults")
                      .path("custom")
                      .path("thresholdsStyle")
                      .path("mode")
                      .asText())
              .as(key)
              .isIn("line", "dashed", "line+area", "dashed+area");
        }
      }
    }
  }

  static List<Step> read(JsonNode thresholds) {
    List<Step> out = new ArrayList<>();
    for (JsonNode s : thresholds.path("steps")) {
      out.add(
          new Step(
              s.path("color").asText(),
              s.path("value").isNull() ? null : s.path("value").asDouble()));
    }
    return out;
  }
}
