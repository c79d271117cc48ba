package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.monitoring.RuleFiles.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The alert and recording rules in alert-rules/ follow the issue 4 contract and the alert style
 * (STYLE.md habit 15), read as YAML without Prometheus: names, {@code for}, severity, annotations,
 * runbook sections, the metrics they use, and promtool test coverage. {@link AlertRulesPromtoolIT}
 * runs the real promtool over the same files.
 */
class AlertRulesTest {
  /** alert → {for of each of its rules, severity}, from the contract's thresholds table. */
  static final Map<String, List<String>> FOR_AND_SEVERITY = new LinkedHashMap<>();

  static {
    FOR_AND_SEVERITY.put("ResolutionTimeSpike", List.of("30m", "warning"));
    FOR_AND_SEVERITY.put("FirstResponseSlow", List.of("30m", "warning"));
    FOR_AND_SEVERITY.put("SlaBreachesRising", List.of("15m", "warning"));
    FOR_AND_SEVERITY.put("SlaAtRisk", List.of("5m", "warning"));
    FOR_AND_SEVERITY.put("BacklogGrowing", List.of("1h", "warning"));
    FOR_AND_SEVERITY.put("UnassignedTicketsAging", List.of("10m", "warning"));
    FOR_AND_SEVERITY.put("CsatDrop", List.of("1h", "warning"));
    FOR_AND_SEVERITY.put("NpsDrop", List.of("2h", "warning"));
    FOR_AND_SEVERITY.put("KpiDurationAboveTarget", List.of("1h", "info"));
    FOR_AND_SEVERITY.put("CxExporterDown", List.of("5m,10m", "critical"));
    FOR_AND_SEVERITY.put("CxConnectorStale", List.of("5m", "warning"));
    FOR_AND_SEVERITY.put("CxConnectorRateLimited", List.of("15m", "warning"));
    FOR_AND_SEVERITY.put("CxConnectorClockSkew", List.of("15m", "warning"));
    FOR_AND_SEVERITY.put("CxConnectorUnauthorized", List.of("10m", "critical"));
    FOR_AND_SEVERITY.put("CxExporterShardingMismatch", List.of("15m", "critical"));
    FOR_AND_SEVERITY.put("CxExporterShardsMissing", List.of("15m", "critical"));
    FOR_AND_SEVERITY.put("CxAlertingNoLeader", List.of("5m", "critical"));
    FOR_AND_SEVERITY.put("CxAlertingSplitBrain", List.of("5m", "warning"));
  }

  /** The recording rules the dashboards and alerts share (contract), with their expressions. */
  static final Map<String, String> CONTRACT_RECORDING_RULES = new LinkedHashMap<>();

  static {
    CONTRACT_RECORDING_RULES.put(
        "source_group_hours:cx_ticket_first_response_seconds:p90_rate1h",
        "histogram_quantile(0.9, sum by (source, group, hours, le)"
            + " (rate(cx_ticket_first_response_seconds_bucket[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source_group_hours:cx_ticket_resolution_seconds:p90_rate1h",
        "histogram_quantile(0.9, sum by (source, group, hours, le)"
            + " (rate(cx_ticket_resolution_seconds_bucket[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source_group_hours:cx_ticket_first_response_seconds_count:increase1h",
        "max by (source, group, hours) (sum by (source, group, hours, instance) (increase(cx_ticket_first_response_seconds_count[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source_group_hours:cx_ticket_resolution_seconds_count:increase1h",
        "max by (source, group, hours) (sum by (source, group, hours, instance) (increase(cx_ticket_resolution_seconds_count[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_tickets_created:increase1h",
        "max by (source) (sum by (source, instance) (increase(cx_tickets_created_total{tag=\"\"}[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_tickets_solved:increase1h",
        "max by (source) (sum by (source, instance) (increase(cx_tickets_solved_total{tag=\"\"}[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source_target:cx_sla_breaches:increase1h",
        "max by (source, target) (sum by (source, target, instance) (increase(cx_sla_breaches_total{tag=\"\"}[1h])))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_tickets_open:sum",
        "max by (source) (sum by (source, instance) (cx_tickets_open{tag=\"\"}))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_sla_at_risk_tickets:sum",
        "max by (source) (sum by (source, instance) (cx_sla_at_risk_tickets{tag=\"\"}))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_tickets_unassigned:sum",
        "max by (source) (sum by (source, instance) (cx_tickets_unassigned))");
    CONTRACT_RECORDING_RULES.put(
        "source:cx_ticket_unassigned_oldest_age_seconds:max",
        "max by (source) (cx_ticket_unassigned_oldest_age_seconds)");
  }

  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern PRINTF = Pattern.compile("printf\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern BACKTICKED_METRIC =
      Pattern.compile("`(cx_[a-z0-9_]*[a-z0-9])(?![a-z0-9_*<])");
  private static final Pattern BACKTICKED = Pattern.compile("`([a-z0-9_]+)`");
  private static final Pattern ALERTNAME = Pattern.compile("alertname=\"(\\w+)\"");

  @Test
  void theAlertsAreExactlyTheContractOnes() {
    assertThat(RuleFiles.alerts().stream().map(Rule::name).distinct())
        .containsExactlyInAnyOrderElementsOf(RuleFiles.ALERTS);
  }

  @Test
  void everyAlertHasForSeveritySummaryDescriptionAndRunbook() {
    SoftAssertions soft = new SoftAssertions();
    for (Rule r : RuleFiles.alerts()) {
      soft.assertThat(r.node().path("for").asText()).as(r + " for").matches("[0-9]+[smhdw]");
      soft.assertThat(r.label("severity")).as(r + " severity").isIn("critical", "warning", "info");
      soft.assertThat(r.annotation("summary"))
          .as(r + " summary (static)")
          .isNotBlank()
          .doesNotContain("{{");
      soft.assertThat(r.annotation("description"))
          .as(r + " description (templated)")
          .isNotBlank()
          .contains("{{ $labels.");
      soft.assertThat(r.annotation("runbook_url"))
          .as(r + " runbook_url")
          .isEqualTo(RuleFiles.RUNBOOK_URL + "#" + r.name().toLowerCase(Locale.ROOT));
    }
    soft.assertAll();
  }

  @Test
  void forAndSeverityAreTheContractOnes() {
    Map<String, List<String>> actual = new LinkedHashMap<>();
    for (String name : FOR_AND_SEVERITY.keySet()) {
      List<Rule> rules = RuleFiles.alerts().stream().filter(r -> r.name().equals(name)).toList();
      actual.put(
          name,
          List.of(
              String.join(",", rules.stream().map(r -> r.node().path("for").asText()).toList()),
              String.join(",", rules.stream().map(r -> r.label("severity")).distinct().toList())));
    }
    assertThat(actual).isEqualTo(FOR_AND_SEVERITY);
  }

  @Test
  void exporterDownCoversAFailingAndAVanishedTarget() {
    assertThat(
            RuleFiles.alerts().stream()
                .filter(r -> r.name().equals("CxExporterDown"))
                .map(r -> r.expr().strip()))
        .containsExactly("up{job=\"cx-exporter\"} == 0", "absent(up{job=\"cx-exporter\"})");
  }

  @Test
  void everyRunbookUrlPointsAtASectionOfTheRunbook() throws IOException {
    String runbook = Files.readString(RuleFiles.dir().resolve("runbook.md"));
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : runbook.split("\n")) {
      if (line.startsWith("#")) {
        anchors.add(githubAnchor(line.replaceFirst("^#+\\s*", "")));
      }
    }
    for (Rule r : RuleFiles.alerts()) {
      String url = r.annotation("runbook_url");
      assertThat(url).as(r.toString()).startsWith(RuleFiles.RUNBOOK_URL + "#");
      assertThat(anchors).as(r + ": runbook.md headings").contains(url.replaceFirst(".*#", ""));
    }
  }

  @Test
  void theContractRecordingRulesExistWithTheirExpressions() {
    Map<String, String> actual = new LinkedHashMap<>();
    for (Rule r : RuleFiles.recordingRules()) {
      assertThat(r.group()).as(r.toString()).isEqualTo("cx-recording");
      assertThat(r.file().getFileName()).hasToString("cx-recording.rules.yml");
      assertThat(r.name()).as("level:metric:operations").matches("[a-z_]+:[a-z0-9_]+:[a-z0-9_]+");
      if (CONTRACT_RECORDING_RULES.containsKey(r.name())) {
        actual.put(r.name(), r.expr().strip().replaceAll("\\s+", " "));
      }
    }
    assertThat(actual).isEqualTo(CONTRACT_RECORDING_RULES);
  }

  /**
   * Every {@code cx_} metric an expression (or a description's query) reads is in the README's
   * metric contract, and every {@code level:metric:operations} name is a recording rule here.
   */
  @Test
  void everyMetricTheRulesReadIsInTheReadmeContract() throws IOException {
    Set<String> contract = readmeMetrics(Files.readString(RuleFiles.root().resolve("README.md")));
    assertThat(contract)
        .as("README metric contract (parsed)")
        .contains(
            "cx_ticket_resolution_seconds",
            "cx_kpi_csat_ratio",
            "cx_kpi_nps_score",
            "cx_connector_requests_total",
            "cx_connector_poll_interval_seconds");
    Set<String> recorded = new TreeSet<>();
    RuleFiles.recordingRules().forEach(r -> recorded.add(r.name()));
    SoftAssertions soft = new SoftAssertions();
    for (Rule r : RuleFiles.rules()) {
      Set<String> used = new TreeSet<>(names(r.expr()));
      String description = r.annotation("description");
      if (description != null) {
        Matcher m = PRINTF.matcher(description);
        while (m.find()) {
          used.addAll(names(m.group(1)));
        }
      }
      for (String name : used) {
        if (name.contains(":")) {
          soft.assertThat(recorded).as(r + " reads recording rule " + name).contains(name);
        } else {
          soft.assertThat(inContract(name, contract))
              .as(r + " reads " + name + ", not in README's metric contract " + contract)
              .isTrue();
        }
      }
    }
    soft.assertAll();
  }

  /** Every alert has a promtool case where it must not fire and one where it fires. */
  @Test
  void everyAlertHasANotFiringAndAFiringPromtoolCase() {
    Map<String, Set<String>> cases = new TreeMap<>();
    SoftAssertions soft = new SoftAssertions();
    for (Path f : RuleFiles.testFiles()) {
      for (JsonNode test : RuleFiles.read(f).path("tests")) {
        for (JsonNode t : test.path("alert_rule_test")) {
          String name = t.path("alertname").asText();
          String where = f.getFileName() + " " + name + " at " + t.path("eval_time").asText();
          JsonNode exp = t.path("exp_alerts");
          cases.computeIfAbsent(name, k -> new TreeSet<>()).add(exp.isEmpty() ? "quiet" : "fires");
          for (JsonNode a : exp) {
            JsonNode labels = a.path("exp_labels");
            soft.assertThat(labels.path("alertname").asText()).as(where).isEqualTo(name);
            soft.assertThat(labels.has("severity")).as(where + " severity label").isTrue();
            if (RuleFiles.KPI_ALERTS.contains(name)) {
              soft.assertThat(labels.has("source")).as(where + " keeps source").isTrue();
            }
            if (name.equals("ResolutionTimeSpike") || name.equals("FirstResponseSlow")) {
              soft.assertThat(labels.has("group")).as(where + " keeps group").isTrue();
            }
            List<String> annotations = new ArrayList<>();
            a.path("exp_annotations").fieldNames().forEachRemaining(annotations::add);
            soft.assertThat(annotations)
                .as(where + " exact annotations")
                .containsExactlyInAnyOrder("summary", "description", "runbook_url");
          }
        }
      }
    }
    Map<String, Set<String>> expected = new TreeMap<>();
    RuleFiles.ALERTS.forEach(a -> expected.put(a, Set.of("fires", "quiet")));
    soft.assertThat(cases).isEqualTo(expected);
    soft.assertAll();
  }

  /** The quiet cases include one where the condition holds but {@code for} has not passed. */
  @Test
  void everyAlertHasAPendingPromtoolCase() {
    Set<String> pending = new TreeSet<>();
    for (Path f : RuleFiles.testFiles()) {
      for (JsonNode test : RuleFiles.read(f).path("tests")) {
        for (JsonNode t : test.path("promql_expr_test")) {
          for (JsonNode s : t.path("exp_samples")) {
            String labels = s.path("labels").asText();
            Matcher m = ALERTNAME.matcher(labels);
            if (labels.startsWith("ALERTS{")
                && labels.contains("alertstate=\"pending\"")
                && m.find()) {
              pending.add(m.group(1));
            }
          }
        }
      }
    }
    assertThat(pending).containsExactlyInAnyOrderElementsOf(RuleFiles.ALERTS);
  }

  @Test
  void everyRecordingRuleIsCheckedByAPromqlExprTest() {
    StringBuilder exprs = new StringBuilder();
    for (Path f : RuleFiles.testFiles()) {
      for (JsonNode test : RuleFiles.read(f).path("tests")) {
        for (JsonNode t : test.path("promql_expr_test")) {
          exprs.append(t.path("expr").asText()).append('\n');
        }
      }
    }
    for (Rule r : RuleFiles.recordingRules()) {
      assertThat(names(exprs.toString())).as("promql_expr_test exprs").contains(r.name());
    }
  }

  @Test
  void testFilesLoadTheRuleFilesRelativeToThemselves() {
    for (Path f : RuleFiles.testFiles()) {
      JsonNode files = RuleFiles.read(f).path("rule_files");
      assertThat(files).as(f.toString()).isNotEmpty();
      for (JsonNode rf : files) {
        assertThat(Path.of(rf.asText()).isAbsolute()).as(f + ": " + rf).isFalse();
        assertThat(f.getParent().resolve(rf.asText())).as(f.toString()).isRegularFile();
      }
    }
  }

  /** Metric and recording-rule names in a PromQL expression (strings and labels ignored). */
  static Set<String> names(String expr) {
    Set<String> out = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(STRING.matcher(expr).replaceAll(" "));
    while (m.find()) {
      String id = m.group();
      if (id.contains(":") || id.startsWith("cx_")) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * The metric names of README.md's "## Metrics" section: every backticked {@code cx_…} name, plus
   * {@code cx_kpi_<name>} for each name of the windowed-KPI table (header "| name |").
   */
  static Set<String> readmeMetrics(String readme) {
    int start = readme.indexOf("\n## Metrics\n");
    assertThat(start).as("README.md has a \"## Metrics\" section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Set<String> out = new TreeSet<>();
    Matcher m = BACKTICKED_METRIC.matcher(section);
    while (m.find()) {
      out.add(m.group(1));
    }
    boolean kpiTable = false;
    for (String line : section.split("\n")) {
      if (line.startsWith("| name |")) {
        kpiTable = true;
      } else if (!line.startsWith("|")) {
        kpiTable = false;
      } else if (kpiTable) {
        Matcher k = BACKTICKED.matcher(line.split("\\|")[1]);
        while (k.find()) {
          out.add("cx_kpi_" + k.group(1));
        }
      }
    }
    return out;
  }

  static boolean inContract(String name, Set<String> contract) {
    if (contract.contains(name)) {
      return true;
    }
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      if (name.endsWith(suffix)
          && contract.contains(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to '-'. */
  static String githubAnchor(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }
}
