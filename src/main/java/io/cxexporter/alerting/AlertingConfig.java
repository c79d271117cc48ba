package io.cxexporter.alerting;

import io.cxexporter.alerting.ha.LeaseConfig;
import io.cxexporter.config.Settings;
import io.cxexporter.kpi.KpiCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated {@code alerting:} block: rules evaluated in-process, and the notifier blocks
 * (validated by {@code notify.Notifiers}).
 *
 * <pre>{@code
 * alerting:
 *   evaluation_interval: 30s
 *   repeat_interval: 4h
 *   rules:
 *     - alert: BacklogHigh
 *       expr: {kpi: tickets_open}
 *       above: 200
 *       for: 10m
 *   notifiers:
 *     - {name: hook, type: webhook, url: "https://hooks.example/cx"}
 *   ha:
 *     kubernetes_lease: {name: cx-exporter-alerts}
 * }</pre>
 *
 * @param notifiers the validated {@code notifiers[i]} blocks; {@code notify.Notifiers} builds them
 * @param ha {@code ha.kubernetes_lease}: only the replica holding that Lease notifies; empty
 *     without {@code ha}
 */
public record AlertingConfig(
    Duration evaluationInterval,
    Duration repeatInterval,
    List<AlertRule> rules,
    List<Settings> notifiers,
    Optional<LeaseConfig> ha) {
  /** No {@code alerting:} block: nothing is evaluated. */
  public static final AlertingConfig NONE =
      new AlertingConfig(
          Duration.ofSeconds(30), Duration.ofHours(4), List.of(), List.of(), Optional.empty());

  public AlertingConfig {
    rules = List.copyOf(rules);
    notifiers = List.copyOf(notifiers);
    ha = Objects.requireNonNull(ha, "ha");
  }

  /** True when there is anything to evaluate. */
  public boolean enabled() {
    return !rules.isEmpty();
  }

  /** KPIs a rule may name besides the windowed ones. */
  static final List<String> INSTANT =
      List.of(
          "tickets_open",
          "sla_at_risk_tickets",
          "ticket_open_oldest_age_seconds",
          "tickets_unassigned",
          "ticket_unassigned_oldest_age_seconds",
          "connector_up");

  /**
   * Reads and validates the block; problems go to the settings with their paths.
   *
   * @param dimensions the configured {@code kpi.dimensions}
   * @param windows the configured {@code kpi.windows}
   */
  public static AlertingConfig read(Settings s, List<String> dimensions, Set<String> windows) {
    Duration eval = s.duration("evaluation_interval", Duration.ofSeconds(30));
    if (eval.compareTo(Duration.ofSeconds(1)) < 0) {
      s.problem("evaluation_interval", "must be at least 1s");
    }
    Duration repeat = s.duration("repeat_interval", Duration.ofHours(4));
    List<AlertRule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Settings r : s.objects("rules")) {
      AlertRule rule = rule(r, dimensions, windows);
      if (rule != null && !names.add(rule.name() + rule.filters())) {
        r.problem("alert", "duplicate rule " + rule.name() + " with the same expr");
      } else if (rule != null) {
        rules.add(rule);
      }
    }
    // rules without notifiers are allowed: alerts still show on the status page and in cx_alerts
    List<Settings> notifiers = s.objects("notifiers");
    return new AlertingConfig(eval, repeat, rules, notifiers, ha(s));
  }

  /** {@code ha:}, whose only kind today is {@code kubernetes_lease}. */
  private static Optional<LeaseConfig> ha(Settings s) {
    Optional<Settings> ha = s.optionalObject("ha");
    if (ha.isEmpty()) {
      return Optional.empty();
    }
    if (!ha.get().has("kubernetes_lease")) {
      ha.get().problem("kubernetes_lease", "required, e.g. {name: cx-exporter-alerts}");
      return Optional.empty();
    }
    return LeaseConfig.read(ha.get().object("kubernetes_lease"));
  }

  private static AlertRule rule(Settings r, List<String> dimensions, Set<String> windows) {
    String name = r.string("alert");
    if (name != null && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      r.problem("alert", "must be a metric-style name like BacklogHigh, got \"" + name + "\"");
      name = null;
    }
    Settings e = r.object("expr");
    if (!r.has("expr")) {
      r.problem("expr", "required, e.g. {kpi: tickets_open}");
    }
    String kpi = e.string("kpi");
    Map<String, String> filters = new TreeMap<>();
    Set<String> allowed = allowedFilters(kpi, dimensions);
    if (kpi != null && allowed == null) {
      e.problem(
          "kpi",
          "unknown KPI \""
              + kpi
              + "\" (a cx_kpi_* short name, tickets_open, sla_at_risk_tickets,"
              + " ticket_open_oldest_age_seconds, tickets_unassigned,"
              + " ticket_unassigned_oldest_age_seconds or connector_up)");
    }
    for (String key : e.keys()) {
      if (key.equals("kpi")) {
        continue;
      }
      String v = e.string(key);
      if (allowed != null && !allowed.contains(key)) {
        e.problem(key, "not a label of " + kpi + " (labels: " + String.join(", ", allowed) + ")");
      } else if (v != null) {
        filters.put(key, v);
      }
    }
    if (kpi != null && KpiCatalog.isWindowed(kpi)) {
      String w = filters.get("window");
      if (w == null) {
        e.problem("window", "required for " + kpi + " (one of " + String.join(", ", windows) + ")");
      } else if (!w.equals("*") && !windows.contains(w)) {
        e.problem(
            "window",
            "must be one of the configured kpi.windows ("
                + String.join(", ", windows)
                + "), got \""
                + w
                + "\"");
      }
    }
    AlertRule.Condition condition = condition(r);
    Duration pendingFor = r.duration("for", Duration.ZERO);
    Duration keep = r.duration("keep_firing_for", Duration.ZERO);
    String severity = r.string("severity", "warning");
    if (!List.of("critical", "warning", "info").contains(severity)) {
      r.problem("severity", "must be critical, warning or info, got \"" + severity + "\"");
    }
    Map<String, String> labels = stringMap(r, "labels");
    for (String reserved : List.of("alertname", "severity")) {
      if (labels.containsKey(reserved)) {
        r.object("labels").problem(reserved, "is set by the rule itself");
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>(stringMap(r, "annotations"));
    Optional<String> summary = r.optionalString("summary");
    Optional<String> description = r.optionalString("description");
    summary.ifPresent(v -> annotations.put("summary", v));
    description.ifPresent(v -> annotations.put("description", v));
    List<Duration> remindBefore = remindBefore(r, kpi);
    boolean remindAfterBreach = r.bool("remind_after_breach", false);
    if (remindAfterBreach && kpi != null && !kpi.equals("sla_at_risk_tickets")) {
      r.problem("remind_after_breach", "only for rules on sla_at_risk_tickets, not " + kpi);
    }
    if (name == null || kpi == null || allowed == null || condition == null) {
      return null;
    }
    annotations.putIfAbsent("summary", name + ": " + kpi + " " + condition.describe());
    return new AlertRule(
        name,
        kpi,
        new TreeMap<>(filters),
        condition,
        pendingFor,
        keep,
        severity,
        new TreeMap<>(labels),
        annotations,
        remindBefore,
        remindAfterBreach);
  }

  /** {@code remind_before}: positive, distinct durations, only on {@code sla_at_risk_tickets}. */
  private static List<Duration> remindBefore(Settings r, String kpi) {
    if (!r.has("remind_before")) {
      r.strings("remind_before"); // read, so an explicit null is no unknown key
      return List.of();
    }
    if (kpi != null && !kpi.equals("sla_at_risk_tickets")) {
      r.problem("remind_before", "only for rules on sla_at_risk_tickets, not " + kpi);
      r.strings("remind_before");
      return List.of();
    }
    List<String> given = r.strings("remind_before");
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      String key = "remind_before[" + i + "]";
      try {
        Duration d = Settings.parseDuration(given.get(i));
        if (d.isZero() || d.isNegative()) {
          r.problem(key, "must be positive, got \"" + given.get(i) + "\"");
        } else if (out.contains(d)) {
          r.problem(key, "duplicate: " + given.get(i) + " equals an earlier entry");
        } else {
          out.add(d);
        }
      } catch (IllegalArgumentException e) {
        r.problem(key, e.getMessage());
      }
    }
    return out;
  }

  private static AlertRule.Condition condition(Settings r) {
    List<String> given =
        List.of("above", "below", "above_baseline").stream().filter(r::has).toList();
    if (given.size() != 1) {
      r.problem(null, "needs exactly one of above, below or above_baseline");
      r.markAllRead();
      return null;
    }
    switch (given.get(0)) {
      case "above" -> {
        return r.optionalDouble("above").map(AlertRule.Above::new).orElse(null);
      }
      case "below" -> {
        return r.optionalDouble("below").map(AlertRule.Below::new).orElse(null);
      }
      default -> {
        Settings b = r.object("above_baseline");
        Duration window = b.duration("window", Duration.ofDays(7));
        double factor = b.optionalDouble("factor").orElse(1.5);
        int min = b.intValue("min_samples", 5, 1, 100_000);
        if (factor <= 0) {
          b.problem("factor", "must be positive");
          return null;
        }
        if (window.compareTo(Duration.ofMinutes(1)) < 0) {
          b.problem("window", "must be at least 1m");
          return null;
        }
        return new AlertRule.AboveBaseline(window, factor, min);
      }
    }
  }

  private static Map<String, String> stringMap(Settings r, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    Settings m = r.object(key);
    for (String k : m.keys()) {
      if (!k.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        m.problem(k, "not a valid label name");
        continue;
      }
      String v = m.string(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /** The labels a rule may filter a KPI by, or null for an unknown KPI. */
  static Set<String> allowedFilters(String kpi, List<String> dimensions) {
    if (kpi == null) {
      return null;
    }
    Set<String> out = new java.util.LinkedHashSet<>();
    out.add("source");
    if (kpi.equals("connector_up")) {
      return out;
    }
    if (KpiCatalog.isWindowed(kpi)) {
      out.add("window");
      if (KpiCatalog.DURATION_KPIS.contains(kpi)) {
        out.add("stat");
        out.add("hours");
      }
      if (kpi.equals("sla_attainment_ratio")) {
        out.add("target");
      }
    } else if (!INSTANT.contains(kpi)) {
      return null;
    }
    if (kpi.equals("tickets_open")) {
      out.add("status");
    }
    out.addAll(dimensions);
    if (kpi.startsWith("ticket_unassigned_") || kpi.equals("tickets_unassigned")) {
      out.remove("assignee"); // always none: the unassigned series do not carry it
    }
    return out;
  }
}
