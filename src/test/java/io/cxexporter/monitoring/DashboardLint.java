package io.cxexporter.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cxexporter.monitoring.Dashboards.Dashboard;
import io.cxexporter.monitoring.Dashboards.Panel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of grafana/dashboard-linter re-implemented in Java (the Go tool can't be installed
 * here), plus domain rules for cx-exporter. Each rule takes one dashboard and returns its
 * violations as readable messages; {@link DashboardLintTest} runs them on every dashboard and
 * {@code DashboardLintRulesTest} proves each one catches a broken copy.
 */
final class DashboardLint {
  private DashboardLint() {}

  static final String WALL_SCREEN_UID = "cx-overview";
  static final String RATE_INTERVAL = "$__rate_interval";
  static final Set<String> RATE_FUNCTIONS = Set.of("rate", "irate", "increase");

  /**
   * Unit ids of Grafana's unit registry (packages/grafana-data valueFormats) that fit this project:
   * a typo such as "percentage" or "seconds" is not a unit and Grafana would show raw numbers.
   */
  static final Set<String> KNOWN_UNITS =
      Set.of(
          "none",
          "short",
          "percent",
          "percentunit",
          "s",
          "ms",
          "m",
          "h",
          "d",
          "dtdurations",
          "dtdurationms",
          "bytes",
          "decbytes",
          "reqps",
          "reqpm",
          "ops",
          "opm",
          "rps",
          "rpm",
          "dateTimeAsIso",
          "dateTimeFromNow");

  static final Set<String> DURATION_UNITS = Set.of("s", "dtdurations");

  /** cx_kpi_* gauges without dimension labels (source and window only, or kpi/stat/window). */
  static final Set<String> KPI_WITHOUT_DIMS =
      Set.of(
          "cx_kpi_target",
          "cx_kpi_churn_ratio",
          "cx_kpi_retention_ratio",
          "cx_kpi_conversion_ratio",
          "cx_kpi_mrr_churn_ratio");

  static final List<String> DIMS = List.of("group", "priority", "channel");
  static final Set<String> FORBIDDEN_KPI_AGGREGATIONS =
      Set.of("sum", "avg", "count", "group", "stddev", "stdvar", "quantile", "count_values");

  /**
   * cx_ families about the exporter's own operation: each replica of a shard really does this work
   * (its own vendor requests, reloads, snapshot refreshes, HTTP server, alert evaluation, state
   * file), so summing them across replicas is right. Every other cx_ family is computed from the
   * helpdesk records and exported identically by each replica: see {@link #replicaDedup}.
   */
  static final List<String> OWN_OPERATION_PREFIXES =
      List.of(
          "cx_connector_",
          "cx_config_",
          "cx_web_config_",
          "cx_snapshot_",
          "cx_http_",
          "cx_exporter_",
          "cx_alerting_");

  static final Set<String> OWN_OPERATION_FAMILIES =
      Set.of(
          "cx_build_info",
          "cx_alerts",
          "cx_notifications_total",
          "cx_reminders_total",
          "cx_state_resets_total");

  /** Aggregations that add up series, so a replica's copy counts twice. */
  static final Set<String> ADDITIVE_AGGREGATIONS = Set.of("sum", "count");

  /** The replica dedup wrapped around KPI data before it is summed. */
  static final String REPLICA_DEDUP = "max without (instance, pod)";

  // ------------------------------------------------------------------------------ dashboard

  /** uneditable-dashboard + settings every dashboard here shares. */
  static List<String> dashboardSettings(Dashboard d) {
    List<String> v = new ArrayList<>();
    JsonNode j = d.json();
    if (!j.path("editable").isBoolean() || j.path("editable").asBoolean()) {
      v.add(d.file() + ": editable must be false (uneditable-dashboard)");
    }
    if (j.path("schemaVersion").asInt() != 39) {
      v.add(d.file() + ": schemaVersion must be 39, is " + j.path("schemaVersion"));
    }
    if (!d.uid().matches("[a-zA-Z0-9_-]{1,40}")) {
      v.add(d.file() + ": uid must be fixed, 1-40 chars [a-zA-Z0-9_-], is \"" + d.uid() + "\"");
    }
    if (!d.file().equals(d.uid() + ".json")) {
      v.add(d.file() + ": file name must be <uid>.json (uid " + d.uid() + ")");
    }
    if (j.hasNonNull("id")) {
      v.add(d.file() + ": id must be null (Grafana assigns it)");
    }
    if (d.title().isBlank() || j.path("description").asText().isBlank()) {
      v.add(d.file() + ": needs a title and a description");
    }
    String refresh = j.path("refresh").asText();
    if (d.uid().equals(WALL_SCREEN_UID)) {
      if (!refresh.equals("1m")) {
        v.add(d.file() + ": the wall screen refreshes every 1m, is \"" + refresh + "\"");
      }
      if (!j.path("time").path("from").asText().equals("now-24h")
          || !j.path("time").path("to").asText().equals("now")) {
        v.add(d.file() + ": the wall screen shows now-24h..now");
      }
    } else if (refresh.isEmpty() || Dashboards.seconds(refresh) < 30) {
      // never faster than the 30 s scrape interval of examples/prometheus.yml
      v.add(d.file() + ": refresh must be set and >= 30s, is \"" + refresh + "\"");
    }
    return v;
  }

  // ------------------------------------------------------------------------------ variables

  /** template-datasource-rule: exactly one datasource variable, "datasource"/"Data source". */
  static List<String> datasourceVariable(Dashboard d) {
    List<String> v = new ArrayList<>();
    List<JsonNode> ds =
        d.variables().stream().filter(x -> x.path("type").asText().equals("datasource")).toList();
    if (ds.size() != 1) {
      v.add(d.file() + ": needs exactly one datasource variable, has " + ds.size());
      return v;
    }
    JsonNode x = ds.get(0);
    if (!x.path("name").asText().equals("datasource")) {
      v.add(d.file() + ": the datasource variable must be named datasource");
    }
    if (!x.path("label").asText().equals("Data source")) {
      v.add(d.file() + ": the datasource variable must be labelled \"Data source\"");
    }
    if (!x.path("query").asText().equals("prometheus")) {
      v.add(d.file() + ": the datasource variable must list prometheus data sources");
    }
    return v;
  }

  /**
   * Query variables: data source ${datasource}, refresh 2 (template-on-time-change-reload-rule), a
   * label_values(...) query that scans (template-label-promql-rule), allValue ".+" whenever All is
   * offered, and multi + All for source/group/instance (template-job/instance-rule, in this
   * domain's terms).
   */
  static List<String> queryVariables(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (JsonNode x : d.variables()) {
      String type = x.path("type").asText();
      String where = d.file() + " variable " + x.path("name").asText();
      if (!type.equals("query")) {
        if (!type.equals("datasource")) {
          v.add(where + ": only query and datasource variables are used, not " + type);
        }
        continue;
      }
      if (!isDatasourceRef(x.path("datasource"))) {
        v.add(where + ": datasource must be " + datasourceRef());
      }
      if (x.path("refresh").asInt() != 2) {
        v.add(where + ": refresh must be 2 (on time range change)");
      }
      String query = Dashboards.variableQueryText(x);
      String[] lv = Dashboards.parseLabelValues(query);
      if (lv == null) {
        v.add(where + ": query must be label_values(selector, label), is " + query);
      } else {
        try {
          if (PromQl.selectors(lv[0]).size() != 1) {
            v.add(where + ": label_values needs exactly one selector: " + lv[0]);
          }
        } catch (IllegalArgumentException e) {
          v.add(where + ": " + e.getMessage());
        }
      }
      if (x.path("includeAll").asBoolean() && !x.path("allValue").asText().equals(".+")) {
        // without it "All" becomes a regex of the listed values and misses new ones
        v.add(where + ": includeAll needs allValue \".+\"");
      }
      if (Set.of("source", "group", "instance").contains(x.path("name").asText())
          && !(x.path("multi").asBoolean() && x.path("includeAll").asBoolean())) {
        v.add(where + ": must be multi-select with All");
      }
      for (String ref : Dashboards.referencedVariables(query)) {
        if (!variableNames(d).contains(ref)) {
          v.add(where + ": references undefined variable $" + ref);
        }
      }
    }
    return v;
  }

  // ------------------------------------------------------------------------------ panels

  /** panel-datasource-rule on panels and targets. */
  static List<String> panelDatasource(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (Panel p : d.panels()) {
      if (p.isRowOrText()) {
        continue;
      }
      if (!isDatasourceRef(p.json().path("datasource"))) {
        v.add(p + ": datasource must be " + datasourceRef());
      }
      for (JsonNode t : p.targets()) {
        if (!isDatasourceRef(t.path("datasource"))) {
          v.add(
              p
                  + " target "
                  + t.path("refId").asText()
                  + ": datasource must be "
                  + datasourceRef());
        }
      }
    }
    return v;
  }

  /** panel-title-description-rule: every panel but rows/text; titles unique per dashboard. */
  static List<String> panelTitleDescription(Dashboard d) {
    List<String> v = new ArrayList<>();
    Set<String> titles = new HashSet<>();
    for (Panel p : d.panels()) {
      if (p.title().isBlank()) {
        v.add(p + ": needs a title");
      } else if (!titles.add(p.title())) {
        v.add(p + ": duplicate title (.lint and the tests address panels by title)");
      }
      if (!p.isRowOrText() && p.json().path("description").asText().isBlank()) {
        v.add(p + ": needs a description");
      }
    }
    return v;
  }

  /** panel-units-rule, plus: ratios in percentunit, durations in s/dtdurations. */
  static List<String> panelUnits(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (Panel p : d.panels()) {
      if (p.isRowOrText()) {
        continue;
      }
      String unit = p.json().path("fieldConfig").path("defaults").path("unit").asText();
      if (!KNOWN_UNITS.contains(unit)) {
        v.add(p + ": needs a Grafana unit, has \"" + unit + "\"");
        continue;
      }
      Set<String> kinds = new HashSet<>();
      for (String metric : metrics(p)) {
        kinds.add(kind(metric));
      }
      if (kinds.equals(Set.of("ratio")) && !unit.equals("percentunit")) {
        v.add(p + ": shows 0..1 ratios, unit must be percentunit, is " + unit);
      }
      if (kinds.equals(Set.of("duration")) && !DURATION_UNITS.contains(unit)) {
        v.add(p + ": shows durations in seconds, unit must be s or dtdurations, is " + unit);
      }
    }
    return v;
  }

  /** "ratio", "duration" or "other", from the metric name. */
  static String kind(String metric) {
    if (metric.endsWith("_ratio")) {
      return "ratio";
    }
    if (metric.endsWith("_seconds")
        || metric.endsWith("_seconds_bucket")
        || metric.matches(".*_seconds:p\\d+_.*")) {
      return "duration"; // _timestamp_seconds too: the dashboards show time() - it
    }
    return "other";
  }

  /** panel-no-targets-rule: at least one target, unique refIds, an expr each. */
  static List<String> panelTargets(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (Panel p : d.panels()) {
      if (p.isRowOrText()) {
        continue;
      }
      if (p.targets().isEmpty()) {
        v.add(p + ": has no targets");
      }
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.targets()) {
        if (!refIds.add(t.path("refId").asText())) {
          v.add(p + ": duplicate refId " + t.path("refId").asText());
        }
        if (t.path("expr").asText().isBlank()) {
          v.add(p + " target " + t.path("refId").asText() + ": empty expr");
        }
      }
    }
    return v;
  }

  /** Stat panels: lastNotNull, instant queries, background colour, decimals, thresholds. */
  static List<String> statPanels(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (Panel p : d.panels()) {
      if (!p.type().equals("stat")) {
        continue;
      }
      JsonNode o = p.json().path("options");
      JsonNode calcs = o.path("reduceOptions").path("calcs");
      if (calcs.size() != 1 || !calcs.path(0).asText().equals("lastNotNull")) {
        v.add(p + ": reduceOptions.calcs must be [lastNotNull], is " + calcs);
      }
      if (!o.path("colorMode").asText().equals("background")) {
        v.add(p + ": colorMode must be background");
      }
      JsonNode defaults = p.json().path("fieldConfig").path("defaults");
      if (!defaults.path("decimals").isNumber()) {
        v.add(p + ": decimals must be set");
      }
      if (defaults.path("thresholds").path("steps").isEmpty()) {
        v.add(p + ": needs thresholds");
      }
      if (!defaults.path("color").path("mode").asText().equals("thresholds")) {
        v.add(p + ": color.mode must be thresholds");
      }
      for (JsonNode t : p.targets()) {
        if (!t.path("instant").asBoolean() || t.path("range").asBoolean()) {
          v.add(p + " target " + t.path("refId").asText() + ": stat queries must be instant");
        }
      }
    }
    return v;
  }

  /** Thresholds: absolute, first step null (-Infinity), values ascending. */
  static List<String> thresholds(Dashboard d) {
    List<String> v = new ArrayList<>();
    for (Panel p : d.panels()) {
      JsonNode th = p.json().path("fieldConfig").path("defaults").path("thresholds");
      if (th.isMissingNode()) {
        continue;
      }
      if (!th.path("mode").asText().equals("absolute")) {
        v.add(p + ": thresholds mode must be absolute");
      }
      JsonNode steps = th.path("steps");
      double last = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < steps.size(); i++) {
        JsonNode value = steps.path(i).path("value");
        if (i == 0 ? !value.isNull() : !value.isNumber() || value.asDouble() <= last) {
          v.add(p + ": threshold steps must start at null and ascend: " + steps);
          break;
        }
        last = i == 0 ? last : value.asDouble();
      }
    }
    return v;
  }

  /** Unique panel ids; gridPos inside 24 columns and no overlap. */
  static List<String> layout(Dashboard d) {
    List<String> v = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    List<Panel> placed = new ArrayList<>();
    for (Panel p : d.panels()) {
      if (!p.json().path("id").isInt() || !ids.add(p.json().path("id").asInt())) {
        v.add(p + ": needs a unique integer id");
      }
      JsonNode g = p.json().path("gridPos");
      int x = g.path("x").asInt(-1);
      int w = g.path("w").asInt(-1);
      if (x < 0 || w < 1 || g.path("y").asInt(-1) < 0 || g.path("h").asInt(-1) < 1) {
        v.add(p + ": gridPos needs x, y >= 0 and w, h >= 1: " + g);
        continue;
      }
      if (x + w > 24) {
        v.add(p + ": gridPos x + w > 24: " + g);
      }
      for (Panel q : placed) {
        if (overlap(g, q.json().path("gridPos"))) {
          v.add(p + ": gridPos overlaps " + q + ": " + g + " / " + q.json().path("gridPos"));
        }
      }
      placed.add(p);
    }
    return v;
  }

  private static boolean overlap(JsonNode a, JsonNode b) {
    return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
        && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
        && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
        && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
  }

  // ------------------------------------------------------------------------------ targets

  /** target-promql-rule (scans) + every referenced variable is defined. */
  static List<String> targetSyntax(Dashboard d) {
    List<String> v = new ArrayList<>();
    Set<String> names = variableNames(d);
    for (Panel p : d.panels()) {
      for (JsonNode t : p.targets()) {
        String expr = t.path("expr").asText();
        String where = p + " target " + t.path("refId").asText();
        try {
          PromQl.selectors(expr);
        } catch (IllegalArgumentException e) {
          v.add(where + ": " + e.getMessage());
        }
        for (String ref : Dashboards.referencedVariables(expr + " " + p.title())) {
          if (!names.contains(ref) && !ref.startsWith("__")) {
            v.add(where + ": references undefined variable $" + ref);
          }
        }
      }
    }
    return v;
  }

  /** target-rate-interval-rule: rate/irate/increase over [$__rate_interval] unless excluded. */
  static List<String> rateInterval(Dashboard d, LintExclusions exclusions) {
    List<String> v = new ArrayList<>();
    forEachSelector(
        d,
        (p, idx, s) -> {
          if (isIn(RATE_FUNCTIONS, s.function())
              && !RATE_INTERVAL.equals(s.range())
              && !"${__rate_interval}".equals(s.range())
              && !exclusions.excluded("target-rate-interval-rule", d, p, idx)) {
            v.add(
                p
                    + " target "
                    + idx
                    + ": "
                    + s.function()
                    + "("
                    + s.metric()
                    + "["
                    + s.range()
                    + "]) must use [$__rate_interval] (or an entry in grafana-dashboards/.lint)");
          }
        });
    return v;
  }

  /** target-counter-agg-rule: *_total only directly inside rate/irate/increase. */
  static List<String> counterAggregation(Dashboard d, LintExclusions exclusions) {
    List<String> v = new ArrayList<>();
    forEachSelector(
        d,
        (p, idx, s) -> {
          if (s.metric().endsWith("_total")
              && !isIn(RATE_FUNCTIONS, s.function())
              && !exclusions.excluded("target-counter-agg-rule", d, p, idx)) {
            v.add(p + " target " + idx + ": counter " + s.metric() + " outside rate/increase");
          }
        });
    return v;
  }

  /**
   * cx_kpi_* gauges are not additive: select the whole source (group="", priority="", channel="")
   * or one dimension (a matcher that excludes "" on group, priority or channel), and never
   * sum/avg/count them.
   */
  static List<String> kpiSeries(Dashboard d) {
    List<String> v = new ArrayList<>();
    Map<String, String> vars = d.variableValues();
    forEachSelector(
        d,
        (p, idx, raw) -> {
          if (!raw.metric().startsWith("cx_kpi_") || KPI_WITHOUT_DIMS.contains(raw.metric())) {
            return;
          }
          String matchers = Dashboards.substitute(raw.matchers(), vars, "1m", "");
          Map<String, List<String[]>> byLabel = parseMatchers(matchers);
          boolean whole =
              DIMS.stream()
                  .allMatch(
                      dim ->
                          byLabel.getOrDefault(dim, List.of()).stream()
                              .anyMatch(m -> m[1].equals("=") && m[2].isEmpty()));
          boolean oneDim =
              DIMS.stream()
                  .anyMatch(
                      dim ->
                          byLabel.getOrDefault(dim, List.of()).stream()
                              .anyMatch(DashboardLint::excludesEmpty));
          String where = p + " target " + idx + ": " + raw.metric();
          if (!whole && !oneDim) {
            v.add(
                where
                    + " must select the whole source (group=\"\", priority=\"\", channel=\"\") or"
                    + " one dimension (e.g. group=~\"$group\"), has {"
                    + raw.matchers()
                    + "}");
          }
          if (isIn(FORBIDDEN_KPI_AGGREGATIONS, raw.function())) {
            v.add(where + " is not additive: never " + raw.function() + "() it");
          }
        });
    return v;
  }

  /** True for a cx_ family computed from helpdesk records (not own operation, not a rule). */
  static boolean isKpiFamily(String metric) {
    return metric.startsWith("cx_")
        && !metric.contains(":") // recording rules deduplicate themselves (max by)
        && !OWN_OPERATION_FAMILIES.contains(metric)
        && OWN_OPERATION_PREFIXES.stream().noneMatch(metric::startsWith);
  }

  /**
   * With 2 replicas per shard (deploy/kubernetes/sharded) every KPI series exists twice, differing
   * only in the target labels instance and pod: a sum/count over KPI data must first collapse the
   * replicas with {@code max without (instance, pod) (...)} inside it (a no-op for one exporter),
   * and a query that aggregates nothing must take that max too, or a stat shows one value per
   * replica.
   */
  static List<String> replicaDedup(Dashboard d) {
    List<String> v = new ArrayList<>();
    forEachSelector(
        d,
        (p, idx, s) -> {
          if (!isKpiFamily(s.metric())) {
            return;
          }
          List<String> calls = s.enclosing(); // innermost first
          for (int i = 0; i < calls.size(); i++) {
            String agg = calls.get(i).split(" ", 2)[0];
            if (ADDITIVE_AGGREGATIONS.contains(agg)) {
              if (!calls.subList(0, i).contains(REPLICA_DEDUP)) {
                v.add(
                    p
                        + " target "
                        + idx
                        + ": "
                        + calls.get(i)
                        + " over "
                        + s.metric()
                        + " counts each replica: wrap it in "
                        + REPLICA_DEDUP
                        + " (...) inside the "
                        + agg
                        + " (own-operation families are exempt: "
                        + OWN_OPERATION_PREFIXES
                        + ", "
                        + new TreeSet<>(OWN_OPERATION_FAMILIES)
                        + ")");
              }
              break; // the innermost additive aggregation decides; outer ones see deduped data
            }
          }
          if (calls.stream().noneMatch(c -> AGGREGATIONS.contains(c.split(" ", 2)[0]))) {
            // no aggregation at all: a stat or table shows each replica's copy as its own series
            v.add(
                p
                    + " target "
                    + idx
                    + ": "
                    + s.metric()
                    + " shows one series per replica: wrap it in "
                    + REPLICA_DEDUP
                    + " (...)");
          }
        });
    return v;
  }

  /**
   * PromQL aggregation operators: any of them collapses the replicas' target labels or sums them.
   */
  static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "count",
          "max",
          "min",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values");

  private static boolean excludesEmpty(String[] m) {
    return switch (m[1]) {
      case "=" -> !m[2].isEmpty();
      case "!=" -> m[2].isEmpty();
      case "=~" -> !"".matches(m[2]);
      default -> false;
    };
  }

  private static final Pattern MATCHER =
      Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** label → [label, op, value] matchers. */
  static Map<String, List<String[]>> parseMatchers(String matchers) {
    Map<String, List<String[]>> out = new HashMap<>();
    Matcher m = MATCHER.matcher(matchers);
    while (m.find()) {
      out.computeIfAbsent(m.group(1), k -> new ArrayList<>())
          .add(new String[] {m.group(1), m.group(2), m.group(3)});
    }
    return out;
  }

  /**
   * Every metric exists: cx_* in the README metric contract, recording rules (level:metric:ops) in
   * alert-rules/cx-recording.rules.yml, others among the README's non-cx families (jvm_*,
   * process_*) or the series Prometheus adds to every scrape.
   */
  static List<String> metricContract(Dashboard d, MetricContract contract) {
    List<String> v = new ArrayList<>();
    List<String> used = new ArrayList<>();
    for (Panel p : d.panels()) {
      for (String metric : metrics(p)) {
        used.add(metric + "\t" + p);
      }
    }
    for (JsonNode x : d.variables()) {
      if (x.path("type").asText().equals("query")) {
        String[] lv = Dashboards.parseLabelValues(Dashboards.variableQueryText(x));
        if (lv != null) {
          for (PromQl.Selector s : PromQl.selectors(lv[0])) {
            used.add(s.metric() + "\t" + d.file() + " variable " + x.path("name").asText());
          }
        }
      }
    }
    for (String u : used) {
      String metric = u.substring(0, u.indexOf('\t'));
      String where = u.substring(u.indexOf('\t') + 1);
      String problem = contract.problem(metric);
      if (problem != null) {
        v.add(where + ": " + problem);
      }
    }
    return v;
  }

  // ------------------------------------------------------------------------------ helpers

  interface SelectorVisitor {
    void visit(Panel panel, int targetIdx, PromQl.Selector selector);
  }

  static void forEachSelector(Dashboard d, SelectorVisitor visitor) {
    for (Panel p : d.panels()) {
      List<JsonNode> targets = p.targets();
      for (int i = 0; i < targets.size(); i++) {
        for (PromQl.Selector s : PromQl.selectors(targets.get(i).path("expr").asText())) {
          visitor.visit(p, i, s);
        }
      }
    }
  }

  /** Metric names the panel's targets select. */
  static Set<String> metrics(Panel p) {
    Set<String> out = new TreeSet<>();
    for (JsonNode t : p.targets()) {
      for (PromQl.Selector s : PromQl.selectors(t.path("expr").asText())) {
        out.add(s.metric());
      }
    }
    return out;
  }

  /** Null-safe Set.contains (Set.of throws on null). */
  static boolean isIn(Set<String> set, String value) {
    return value != null && set.contains(value);
  }

  static Set<String> variableNames(Dashboard d) {
    Set<String> out = new HashSet<>();
    d.variables().forEach(x -> out.add(x.path("name").asText()));
    return out;
  }

  static boolean isDatasourceRef(JsonNode ds) {
    return ds.size() == 2
        && ds.path("type").asText().equals("prometheus")
        && ds.path("uid").asText().equals(Dashboards.DATASOURCE_UID);
  }

  static String datasourceRef() {
    return "{\"type\":\"prometheus\",\"uid\":\"" + Dashboards.DATASOURCE_UID + "\"}";
  }

  // ------------------------------------------------------------------------------ .lint

  /**
   * grafana-dashboards/.lint in grafana/dashboard-linter's format: {@code exclusions: {rule:
   * {reason, entries: [{dashboard, panel, targetIdx, reason}]}}}; a rule without entries is
   * excluded everywhere. Dashboard and panel are titles, targetIdx is 0-based.
   */
  record LintExclusions(JsonNode exclusions) {
    static LintExclusions load(Path file) {
      try {
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        return new LintExclusions(root.path("exclusions"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean excluded(String rule, Dashboard d, Panel p, int targetIdx) {
      JsonNode r = exclusions.path(rule);
      if (r.isMissingNode()) {
        return false;
      }
      if (r.path("entries").isEmpty()) {
        return true;
      }
      for (JsonNode e : r.path("entries")) {
        if ((!e.has("dashboard") || e.path("dashboard").asText().equals(d.title()))
            && (!e.has("panel") || e.path("panel").asText().equals(p.title()))
            && (!e.has("targetIdx") || e.path("targetIdx").asInt() == targetIdx)) {
          return true;
        }
      }
      return false;
    }
  }

  // ------------------------------------------------------------------------------ contract

  /** The metric names the README's "## Metrics" section promises, and the recording rules. */
  record MetricContract(
      Set<String> metrics,
      Map<String, String> types,
      Set<String> prefixes,
      Set<String> recordingRules,
      Path rulesFile) {
    /** Series every scrape adds in Prometheus (not exposed by the exporter). */
    static final Set<String> PROMETHEUS_SERIES =
        Set.of(
            "up",
            "scrape_duration_seconds",
            "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling",
            "scrape_series_added");

    private static final Pattern TICKED = Pattern.compile("`([a-z_][a-z0-9_]*\\*?)");

    static MetricContract load(Path readme, Path rulesFile) {
      Set<String> metrics = new TreeSet<>();
      Map<String, String> types = new HashMap<>();
      Set<String> prefixes = new TreeSet<>();
      String text;
      try {
        text = Files.readString(readme);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int start = text.indexOf("\n## Metrics");
      if (start < 0) {
        throw new IllegalStateException(readme + " has no \"## Metrics\" section");
      }
      int end = text.indexOf("\n## ", start + 1);
      String section = text.substring(start, end < 0 ? text.length() : end);
      boolean kpiTable = false;
      int typeColumn = -1; // index of the "type" column of the current table, if it has one
      boolean inTable = false;
      for (String line : section.split("\n")) {
        boolean row = line.startsWith("|");
        String[] cells = row ? line.split("(?<!\\\\)\\|") : new String[0];
        if (row && !inTable) { // a table's header row
          inTable = true;
          kpiTable = line.startsWith("| name |"); // windowed KPIs: names without cx_kpi_
          typeColumn = -1;
          for (int i = 0; i < cells.length; i++) {
            typeColumn = cells[i].trim().equals("type") ? i : typeColumn;
          }
          continue;
        }
        inTable = row;
        if (row && line.startsWith("|---")) {
          continue;
        }
        String type =
            row && typeColumn > 0 && typeColumn < cells.length ? cells[typeColumn].trim() : "";
        Matcher m = TICKED.matcher(row ? cells[1] : line);
        while (m.find()) {
          String name = m.group(1);
          if (kpiTable) {
            name = "cx_kpi_" + name;
          } else if (!name.startsWith("cx_") && !name.endsWith("*")) {
            continue; // label names, values
          }
          if (name.endsWith("*")) {
            if (!name.startsWith("cx_")) {
              prefixes.add(name.substring(0, name.length() - 1)); // jvm_*, process_*
            }
            continue; // cx_kpi_* is spelled out in its own table
          }
          metrics.add(name);
          if (!type.isEmpty()) {
            types.put(name, type);
          }
        }
      }
      Set<String> recording = new TreeSet<>();
      if (Files.isRegularFile(rulesFile)) {
        try {
          JsonNode rules = new YAMLMapper().readTree(rulesFile.toFile());
          for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
              if (r.hasNonNull("record")) {
                recording.add(r.path("record").asText());
              }
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new MetricContract(metrics, types, prefixes, recording, rulesFile);
    }

    /** Why {@code metric} is not allowed, or null. */
    String problem(String metric) {
      if (metric.isEmpty()) {
        return "a selector without a metric name";
      }
      if (metric.contains(":")) {
        if (!Files.isRegularFile(rulesFile)) {
          return "uses recording rule "
              + metric
              + " but "
              + rulesFile
              + " does not exist (the recording rules the dashboards use are defined there)";
        }
        return recordingRules.contains(metric)
            ? null
            : "recording rule " + metric + " is not recorded in " + rulesFile.getFileName();
      }
      if (metric.startsWith("cx_")) {
        if (metrics.contains(metric)) {
          return null;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
          if (metric.endsWith(suffix)) {
            String base = metric.substring(0, metric.length() - suffix.length());
            // a histogram in a table with a type column; names only in prose or tables
            // without one (request_duration_seconds) have no type to check
            String type = types.getOrDefault(base, "");
            if (metrics.contains(base)
                && (type.equals("histogram") || (type.isEmpty() && !base.endsWith("_total")))) {
              return null;
            }
          }
        }
        return metric + " is not in the README metric contract (## Metrics)";
      }
      if (PROMETHEUS_SERIES.contains(metric)) {
        return null;
      }
      for (String prefix : prefixes) {
        if (metric.startsWith(prefix)) {
          return null;
        }
      }
      return metric
          + " is neither a cx_ metric, a README family ("
          + prefixes
          + ") nor a"
          + " Prometheus scrape series";
    }
  }

  /** Recording-rule names used by the dashboards (for messages). */
  static Set<String> recordingRulesUsed(List<Dashboard> dashboards) {
    Set<String> out = new LinkedHashSet<>();
    for (Dashboard d : dashboards) {
      for (Panel p : d.panels()) {
        metrics(p).stream().filter(m -> m.contains(":")).forEach(out::add);
      }
    }
    return out;
  }
}
