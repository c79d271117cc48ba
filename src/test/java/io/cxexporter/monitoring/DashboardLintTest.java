package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.monitoring.DashboardLint.LintExclusions;
import io.cxexporter.monitoring.DashboardLint.MetricContract;
import io.cxexporter.monitoring.Dashboards.Dashboard;
import io.cxexporter.monitoring.Dashboards.Panel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * grafana/dashboard-linter's rules (re-implemented in {@link DashboardLint}) and the project's own
 * dashboard rules, on every grafana-dashboards/*.json. Exclusions: grafana-dashboards/.lint.
 */
class DashboardLintTest {
  static final Path LINT_FILE = Dashboards.dir().resolve(".lint");
  static final Path RULES_FILE =
      Dashboards.repoRoot().resolve("alert-rules").resolve("cx-recording.rules.yml");

  private final List<Dashboard> dashboards = Dashboards.load();
  private final LintExclusions exclusions = LintExclusions.load(LINT_FILE);

  private void assertNoViolations(Function<Dashboard, List<String>> rule) {
    List<String> violations = new ArrayList<>();
    for (Dashboard d : dashboards) {
      violations.addAll(rule.apply(d));
    }
    assertThat(violations).as(String.join("\n", violations)).isEmpty();
  }

  @Test
  void dashboardSettings() { // uneditable-dashboard, schemaVersion 39, fixed uid, refresh
    assertNoViolations(DashboardLint::dashboardSettings);
  }

  @Test
  void uidsUniqueAcrossDashboards() {
    Set<String> uids = new HashSet<>();
    for (Dashboard d : dashboards) {
      assertThat(uids.add(d.uid())).as("duplicate uid " + d.uid()).isTrue();
    }
  }

  @Test
  void datasourceVariable() { // template-datasource-rule
    assertNoViolations(DashboardLint::datasourceVariable);
  }

  @Test
  void queryVariables() { // template-on-time-change-reload-rule, template-label-promql-rule, …
    assertNoViolations(DashboardLint::queryVariables);
  }

  @Test
  void panelDatasource() { // panel-datasource-rule
    assertNoViolations(DashboardLint::panelDatasource);
  }

  @Test
  void panelTitleDescription() { // panel-title-description-rule
    assertNoViolations(DashboardLint::panelTitleDescription);
  }

  @Test
  void panelUnits() { // panel-units-rule + ratio/duration units
    assertNoViolations(DashboardLint::panelUnits);
  }

  @Test
  void panelTargets() { // panel-no-targets-rule
    assertNoViolations(DashboardLint::panelTargets);
  }

  @Test
  void statPanels() {
    assertNoViolations(DashboardLint::statPanels);
  }

  @Test
  void thresholdSteps() {
    assertNoViolations(DashboardLint::thresholds);
  }

  @Test
  void layout() { // unique panel ids, x + w <= 24, no overlap
    assertNoViolations(DashboardLint::layout);
  }

  @Test
  void targetSyntax() { // target-promql-rule (scan), defined variables
    assertNoViolations(DashboardLint::targetSyntax);
  }

  @Test
  void rateInterval() { // target-rate-interval-rule
    assertNoViolations(d -> DashboardLint.rateInterval(d, exclusions));
  }

  @Test
  void counterAggregation() { // target-counter-agg-rule
    assertNoViolations(d -> DashboardLint.counterAggregation(d, exclusions));
  }

  @Test
  void kpiSeriesAreNeverSummed() {
    assertNoViolations(DashboardLint::kpiSeries);
  }

  @Test
  void kpiSumsDeduplicateReplicas() { // 2 replicas per shard on Kubernetes
    assertNoViolations(DashboardLint::replicaDedup);
  }

  /** The scanner reports the grouping of each enclosing aggregation, innermost first. */
  @Test
  void scannerReportsEnclosingAggregations() {
    List<PromQl.Selector> s =
        PromQl.selectors(
            "histogram_quantile(0.5, sum by (le) (max without (pod,instance) (rate(a_bucket{x=\"1\"}"
                + "[5m])))) or on (source) 0 * sum(b)");
    assertThat(s.get(0).enclosing())
        .containsExactly(
            "rate", "max without (instance, pod)", "sum by (le)", "histogram_quantile");
    assertThat(s.get(1).enclosing()).containsExactly("sum");
  }

  /** The replica rule bites: sums of KPI data without the dedup, in every form used here. */
  @Test
  void replicaDedupRuleCatchesDoubleCounting() {
    for (String broken :
        List.of(
            "sum(increase(cx_tickets_created_total{source=~\"$source\"}[1h]))",
            "sum by (group) (cx_tickets_open{source=~\"$source\", tag=\"\"})",
            "sum(cx_tickets_unassigned{source=~\"$source\"})",
            "sum by (group) (rate(cx_tickets_solved_total{source=~\"$source\"}[$__rate_interval]))"
                + " * 3600",
            "histogram_quantile(0.5, sum by (le) (rate(cx_ticket_resolution_seconds_bucket[5m])))",
            "count(cx_customers)",
            // the dedup outside the sum is too late: the sum already doubled
            "max without (instance, pod) (sum by (group, instance, pod) (cx_tickets_open))",
            // max without only one of the two replica labels keeps the copies apart
            "sum(max without (instance) (cx_tickets_open))")) {
      assertThat(DashboardLint.replicaDedup(withExpr(broken)))
          .as(broken)
          .singleElement()
          .asString()
          .contains("counts each replica")
          .contains("max without (instance, pod)");
    }
    for (String bare :
        List.of(
            "cx_tickets_open{source=~\"$source\"}",
            "cx_kpi_csat_ratio{window=\"7d\"}",
            "time() - cx_ticket_open_oldest_age_seconds",
            "rate(cx_tickets_created_total[5m])")) {
      assertThat(DashboardLint.replicaDedup(withExpr(bare)))
          .as(bare)
          .singleElement()
          .asString()
          .contains("one series per replica")
          .contains("max without (instance, pod)");
    }
    for (String ok :
        List.of(
            "sum(max without (instance, pod) (increase(cx_tickets_created_total[1h])))",
            "sum by (group) (max without (pod, instance) (cx_tickets_open{tag=\"\"}))",
            "histogram_quantile(0.5, sum by (le) (max without (instance, pod)"
                + " (rate(cx_ticket_resolution_seconds_bucket[5m]))))",
            "max by (source) (cx_ticket_open_oldest_age_seconds)", // max: no double count
            "max without (instance, pod) (cx_kpi_csat_ratio{window=\"7d\"})",
            "sum(source:cx_tickets_open:sum)", // recording rules deduplicate already
            // own operation: each replica makes its own requests, sums are right
            "sum by (source, code) (rate(cx_connector_requests_total[$__rate_interval]))",
            "histogram_quantile(0.9, sum by (source, endpoint, le)"
                + " (rate(cx_connector_request_duration_seconds_bucket[5m])))",
            "sum(jvm_memory_used_bytes)")) {
      assertThat(DashboardLint.replicaDedup(withExpr(ok))).as(ok).isEmpty();
    }
  }

  /** A one-panel dashboard with {@code expr}. */
  private static Dashboard withExpr(String expr) {
    com.fasterxml.jackson.databind.node.ObjectNode json =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    json.put("title", "t")
        .putArray("panels")
        .addObject()
        .put("id", 1)
        .put("title", "p")
        .put("type", "timeseries")
        .putArray("targets")
        .addObject()
        .put("refId", "A")
        .put("expr", expr);
    return new Dashboard(Dashboards.dir().resolve("sample.json"), json);
  }

  /**
   * Every metric is in the README metric contract; recording rules are read from
   * alert-rules/cx-recording.rules.yml (this fails with a clear message until that file exists).
   */
  @Test
  void metricsExist() {
    MetricContract contract =
        MetricContract.load(Dashboards.repoRoot().resolve("README.md"), RULES_FILE);
    assertThat(contract.metrics())
        .as("README ## Metrics parsed")
        .contains(
            "cx_tickets_open",
            "cx_kpi_csat_ratio",
            "cx_kpi_churn_ratio",
            "cx_connector_requests_total",
            "cx_config_last_reload_successful",
            "cx_connector_poll_interval_seconds");
    assertThat(contract.types()).containsEntry("cx_ticket_resolution_seconds", "histogram");
    assertThat(contract.prefixes()).contains("jvm_", "process_");
    if (!Files.isRegularFile(RULES_FILE)) {
      throw new AssertionError(
          RULES_FILE
              + " does not exist, but the dashboards use the recording rules "
              + DashboardLint.recordingRulesUsed(dashboards)
              + ": they must be recorded there (issue 4 contract).");
    }
    assertNoViolations(d -> DashboardLint.metricContract(d, contract));
  }

  /** Every .lint exclusion has a reason and points at a target that exists and needs it. */
  @Test
  void lintExclusionsAreExplainedAndCurrent() {
    JsonNode ex = exclusions.exclusions();
    assertThat(ex.size()).isPositive();
    List<String> problems = new ArrayList<>();
    ex.fields()
        .forEachRemaining(
            rule -> {
              JsonNode settings = rule.getValue();
              boolean ruleReason = !settings.path("reason").asText().isBlank();
              if (!ruleReason && settings.path("entries").isEmpty()) {
                problems.add(rule.getKey() + ": no reason");
              }
              for (JsonNode e : settings.path("entries")) {
                if (!ruleReason && e.path("reason").asText().isBlank()) {
                  problems.add(rule.getKey() + " " + e + ": no reason");
                }
                if (!resolves(e)) {
                  problems.add(rule.getKey() + " " + e + ": no such dashboard/panel/target");
                }
              }
            });
    // the rate-interval entries are needed: without .lint they are violations
    LintExclusions none =
        new LintExclusions(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    Set<String> needed = new HashSet<>(); // "<panel> target <idx>" that would be flagged
    for (Dashboard d : dashboards) {
      for (String m : DashboardLint.rateInterval(d, none)) {
        needed.add(m.substring(0, m.indexOf(": ", m.lastIndexOf(" target "))));
      }
    }
    assertThat(needed.size())
        .as("targets the rate-interval exclusions cover: " + needed)
        .isEqualTo(ex.path("target-rate-interval-rule").path("entries").size());
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  private boolean resolves(JsonNode entry) {
    for (Dashboard d : dashboards) {
      if (!d.title().equals(entry.path("dashboard").asText())) {
        continue;
      }
      if (!entry.has("panel")) {
        return true;
      }
      for (Panel p : d.panels()) {
        if (p.title().equals(entry.path("panel").asText())) {
          return !entry.has("targetIdx") || entry.path("targetIdx").asInt() < p.targets().size();
        }
      }
    }
    return false;
  }
}
