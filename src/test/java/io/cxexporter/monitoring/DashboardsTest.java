package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.monitoring.DashboardLint.LintExclusions;
import io.cxexporter.monitoring.DashboardLint.MetricContract;
import io.cxexporter.monitoring.Dashboards.Dashboard;
import io.cxexporter.monitoring.Dashboards.Query;
import io.cxexporter.monitoring.Dashboards.VariableQuery;
import io.cxexporter.monitoring.PromQl.Selector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Dashboards} helper, the PromQL scanner, and each lint rule against a broken copy. */
class DashboardsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void queriesAreSubstitutedForPrometheus() {
    List<Query> queries = Dashboards.queries();
    assertThat(queries).hasSizeGreaterThan(50);
    for (Query q : queries) {
      assertThat(q.expr()).as(q.toString()).doesNotContain("$").doesNotContain("[[");
      assertThat(q.file()).endsWith(".json");
      assertThat(q.panel()).isNotBlank();
      assertThat(q.refId()).isNotBlank();
    }
    Query frt = find(queries, "cx-overview.json", "First response p90 today", "A");
    assertThat(frt.instant()).isTrue();
    assertThat(frt.expr()).contains("source=~\".+\"").contains("group=\"\"");
    Query created = find(queries, "cx-overview.json", "Tickets created vs solved per hour", "A");
    assertThat(created.expr())
        .isEqualTo(
            "sum(max without (instance, pod) (increase(cx_tickets_created_total{source=~\".+\","
                + " group=~\".+\", tag=\"\"}[1h])))");
    assertThat(created.instant()).isFalse();
    // a single-value variable takes its saved value
    Query csat = find(queries, "cx-teams.json", "CSAT ($window)", "A");
    assertThat(csat.expr()).contains("window=\"7d\"");
    // $__rate_interval is the given value, or the target's min interval when that is longer
    Query solved = find(Dashboards.queries("2m"), "cx-teams.json", "Solved per hour by group", "A");
    assertThat(solved.expr()).contains("[2m]");
    Query p50 = find(queries, "cx-overview.json", "First response p90 by group", "B");
    assertThat(p50.expr()).contains("[1h]");
  }

  @Test
  void variableQueriesAreLabelValues() {
    List<VariableQuery> vars = Dashboards.variableQueries();
    assertThat(vars)
        .extracting(
            VariableQuery::file,
            VariableQuery::variable,
            VariableQuery::selector,
            VariableQuery::label)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "cx-overview.json", "source", "cx_connector_up", "source"),
            org.assertj.core.groups.Tuple.tuple(
                "cx-overview.json", "group", "cx_tickets_open{source=~\".+\"}", "group"),
            org.assertj.core.groups.Tuple.tuple(
                "cx-exporter.json", "instance", "up{job=\"cx-exporter\"}", "instance"));
    for (VariableQuery v : vars) {
      assertThat(v.query()).startsWith("label_values(").doesNotContain("$");
    }
  }

  @Test
  void substitutionSyntaxes() {
    Map<String, String> vars = Map.of("source", ".+", "window", "7d");
    assertThat(
            Dashboards.substitute(
                "rate(x{a=~\"$source\", b=~\"${source}\", c=~\"${source:regex}\", d=\"[[window]]\"}"
                    + "[$__rate_interval]) / $__range_s + $__interval_ms + $unknown",
                vars,
                "1m",
                ""))
        .isEqualTo(
            "rate(x{a=~\".+\", b=~\".+\", c=~\".+\", d=\"7d\"}[1m]) / 3600 + 30000 + $unknown");
    assertThat(Dashboards.substitute("[$__rate_interval] [$__interval]", vars, "1m", "1h"))
        .isEqualTo("[1h] [1h]");
    assertThat(Dashboards.seconds("1h30m")).isEqualTo(5400);
  }

  @Test
  void scannerFindsSelectorsAndTheirFunctions() {
    List<Selector> s =
        PromQl.selectors(
            "histogram_quantile(0.9, sum by (source, le) (rate(a_bucket{le!=\"1\", x=~\"a|b\"}"
                + "[$__rate_interval]))) / on (source) group_left b:c:d offset 1w"
                + " + time() - max without (job) (c_total) * 1e3 and vector(0)");
    assertThat(s)
        .extracting(Selector::metric, Selector::range, Selector::function)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a_bucket", "$__rate_interval", "rate"),
            org.assertj.core.groups.Tuple.tuple("b:c:d", null, null),
            org.assertj.core.groups.Tuple.tuple("c_total", null, "max"));
    assertThat(s.get(0).matchers()).isEqualTo("le!=\"1\", x=~\"a|b\"");
  }

  // ------------------------------------------------------------------ each rule catches a break

  private static Dashboard mutate(String file, Consumer<ObjectNode> change) throws Exception {
    Path path = Dashboards.dir().resolve(file);
    ObjectNode json = (ObjectNode) JSON.readTree(path.toFile());
    change.accept(json);
    return new Dashboard(path, json);
  }

  private static ObjectNode panel(ObjectNode d, String title) {
    for (JsonNode p : d.path("panels")) {
      if (p.path("title").asText().equals(title)) {
        return (ObjectNode) p;
      }
    }
    throw new AssertionError("no panel " + title);
  }

  private static ObjectNode target0(ObjectNode d, String title) {
    return (ObjectNode) panel(d, title).path("targets").path(0);
  }

  private static void assertCatches(
      Function<Dashboard, List<String>> rule, String file, Consumer<ObjectNode> change, String msg)
      throws Exception {
    Dashboard good = mutate(file, d -> {});
    assertThat(rule.apply(good)).isEmpty();
    assertThat(rule.apply(mutate(file, change))).anyMatch(m -> m.contains(msg));
  }

  @Test
  void rulesCatchBrokenDashboards() throws Exception {
    LintExclusions ex = LintExclusions.load(DashboardLintTest.LINT_FILE);
    String ov = "cx-overview.json";
    assertCatches(DashboardLint::dashboardSettings, ov, d -> d.put("editable", true), "editable");
    assertCatches(DashboardLint::dashboardSettings, ov, d -> d.put("refresh", "5m"), "1m");
    assertCatches(
        DashboardLint::datasourceVariable,
        ov,
        d -> ((ObjectNode) d.path("templating").path("list").path(0)).put("label", "DS"),
        "Data source");
    assertCatches(
        DashboardLint::queryVariables,
        ov,
        d -> ((ObjectNode) d.path("templating").path("list").path(2)).put("allValue", ".*"),
        "allValue");
    assertCatches(
        DashboardLint::queryVariables,
        ov,
        d -> ((ObjectNode) d.path("templating").path("list").path(1)).put("refresh", 1),
        "refresh");
    assertCatches(
        DashboardLint::panelDatasource,
        ov,
        d -> panel(d, "CSAT 7d").putObject("datasource").put("uid", "prometheus"),
        "datasource");
    assertCatches(
        DashboardLint::panelTitleDescription,
        ov,
        d -> panel(d, "CSAT 7d").remove("description"),
        "description");
    assertCatches(
        DashboardLint::panelUnits,
        ov,
        d ->
            ((ObjectNode) panel(d, "CSAT 7d").path("fieldConfig").path("defaults"))
                .put("unit", "percent"),
        "percentunit");
    assertCatches(
        DashboardLint::panelUnits,
        ov,
        d ->
            ((ObjectNode) panel(d, "Data age").path("fieldConfig").path("defaults"))
                .put("unit", "seconds"),
        "Grafana unit");
    assertCatches(
        DashboardLint::panelTargets,
        ov,
        d -> panel(d, "CSAT 7d").putArray("targets"),
        "no targets");
    assertCatches(
        DashboardLint::statPanels, ov, d -> target0(d, "CSAT 7d").put("instant", false), "instant");
    assertCatches(
        DashboardLint::statPanels,
        ov,
        d ->
            ((ObjectNode) panel(d, "CSAT 7d").path("fieldConfig").path("defaults"))
                .remove("decimals"),
        "decimals");
    assertCatches(
        DashboardLint::thresholds,
        ov,
        d ->
            ((ArrayNode)
                    panel(d, "CSAT 7d")
                        .path("fieldConfig")
                        .path("defaults")
                        .path("thresholds")
                        .path("steps"))
                .remove(0),
        "start at null");
    assertCatches(
        DashboardLint::layout,
        ov,
        d -> ((ObjectNode) panel(d, "CSAT 7d").path("gridPos")).put("x", 22),
        "x + w > 24");
    assertCatches(
        DashboardLint::layout,
        ov,
        d -> ((ObjectNode) panel(d, "CSAT 7d").path("gridPos")).put("y", 0),
        "overlaps");
    assertCatches(
        DashboardLint::layout, ov, d -> panel(d, "CSAT 7d").put("id", 1), "unique integer id");
    assertCatches(
        DashboardLint::targetSyntax,
        ov,
        d -> target0(d, "CSAT 7d").put("expr", "cx_kpi_csat_ratio{source=~\"$sauce\"}"),
        "undefined variable $sauce");
    assertCatches(
        d -> DashboardLint.rateInterval(d, ex),
        ov,
        d ->
            target0(d, "Backlog by group")
                .put("expr", "sum(rate(cx_tickets_solved_total{source=~\"$source\"}[5m]))"),
        "$__rate_interval");
    assertCatches(
        d -> DashboardLint.counterAggregation(d, ex),
        ov,
        d -> target0(d, "Backlog by group").put("expr", "sum(cx_tickets_solved_total)"),
        "outside rate");
    assertCatches(
        DashboardLint::kpiSeries,
        ov,
        d -> target0(d, "CSAT 7d").put("expr", "cx_kpi_csat_ratio{source=~\"$source\"}"),
        "whole source");
    assertCatches(
        DashboardLint::kpiSeries,
        ov,
        d ->
            target0(d, "CSAT 7d")
                .put("expr", "sum(cx_kpi_csat_ratio{group=~\"$group\", window=\"7d\"})"),
        "never sum");
    assertCatches(
        DashboardLint::replicaDedup,
        ov,
        d ->
            target0(d, "Backlog by group")
                .put("expr", "sum by (group) (cx_tickets_open{source=~\"$source\", tag=\"\"})"),
        "counts each replica");
  }

  @Test
  void metricContractRule(@TempDir Path tmp) throws Exception {
    Path readme = Dashboards.repoRoot().resolve("README.md");
    MetricContract noRules = MetricContract.load(readme, tmp.resolve("absent.yml"));
    assertThat(noRules.problem("cx_tickets_open")).isNull();
    assertThat(noRules.problem("cx_ticket_resolution_seconds_bucket")).isNull();
    assertThat(noRules.problem("cx_connector_request_duration_seconds_bucket")).isNull();
    assertThat(noRules.problem("cx_kpi_first_contact_resolution_ratio")).isNull();
    assertThat(noRules.problem("jvm_memory_used_bytes")).isNull();
    assertThat(noRules.problem("up")).isNull();
    assertThat(noRules.problem("cx_tickets_opened")).contains("not in the README");
    assertThat(noRules.problem("cx_tickets_open_bucket")).contains("not in the README");
    assertThat(noRules.problem("cx_tickets_created_total_count")).contains("not in the README");
    assertThat(noRules.problem("node_load1")).contains("neither");
    assertThat(noRules.problem("source:cx_tickets_open:sum")).contains("does not exist");

    Path rules = tmp.resolve("rules.yml");
    java.nio.file.Files.writeString(
        rules,
        "groups:\n  - name: g\n    rules:\n      - record: source:cx_tickets_open:sum\n"
            + "        expr: sum by (source) (cx_tickets_open)\n");
    MetricContract withRules = MetricContract.load(readme, rules);
    assertThat(withRules.problem("source:cx_tickets_open:sum")).isNull();
    assertThat(withRules.problem("source:cx_tickets_opened:sum")).contains("not recorded");
  }

  private static Query find(List<Query> queries, String file, String panel, String refId) {
    return queries.stream()
        .filter(q -> q.file().equals(file) && q.panel().equals(panel) && q.refId().equals(refId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no query " + file + " / " + panel + " / " + refId));
  }
}
