package io.cxexporter.alerting;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One validated {@code alerting.rules[i]}.
 *
 * <pre>{@code
 * - alert: BacklogHigh
 *   expr: {kpi: tickets_open, source: zd}
 *   above: 200
 *   for: 10m
 *   severity: warning
 * }</pre>
 *
 * @param name the {@code alertname}
 * @param kpi the KPI's short name ({@code csat_ratio}, {@code tickets_open}, {@code connector_up},
 *     ...)
 * @param filters label filters from {@code expr} (source, group, priority, channel, window, stat,
 *     hours, target, status); the value {@code "*"} makes one instance per value of that label
 * @param condition when it is active
 * @param pendingFor how long it must be active before it fires ({@code for})
 * @param keepFiringFor how long it keeps firing after it stopped being active
 * @param severity {@code critical}, {@code warning} or {@code info}
 * @param labels extra labels
 * @param annotations {@code summary}, {@code description} and extra annotations
 * @param remindBefore for {@code sla_at_risk_tickets} rules: one reminder per ticket as its SLA due
 *     time comes within each of these, longest first (empty: no reminders)
 * @param remindAfterBreach for {@code sla_at_risk_tickets} rules: announce a breached ticket, and
 *     again every {@code repeat_interval} until it is solved
 */
public record AlertRule(
    String name,
    String kpi,
    SortedMap<String, String> filters,
    Condition condition,
    Duration pendingFor,
    Duration keepFiringFor,
    String severity,
    SortedMap<String, String> labels,
    Map<String, String> annotations,
    List<Duration> remindBefore,
    boolean remindAfterBreach) {
  public AlertRule {
    filters = new TreeMap<>(filters);
    labels = new TreeMap<>(labels);
    annotations = Map.copyOf(annotations);
    remindBefore =
        remindBefore.stream().sorted(java.util.Comparator.reverseOrder()).distinct().toList();
  }

  /** True when the rule sends per-ticket SLA reminders (before the due time or after a breach). */
  public boolean reminds() {
    return !remindBefore.isEmpty() || remindAfterBreach;
  }

  /** When a rule is active. */
  public sealed interface Condition {
    /** The condition in words, e.g. {@code above 200}. */
    String describe();
  }

  /** Active while the value is above {@code threshold}. */
  public record Above(double threshold) implements Condition {
    @Override
    public String describe() {
      return "above " + Format.number(threshold);
    }
  }

  /** Active while the value is below {@code threshold}. */
  public record Below(double threshold) implements Condition {
    @Override
    public String describe() {
      return "below " + Format.number(threshold);
    }
  }

  /**
   * Active while the value is above {@code factor} times its own mean over the past {@code window},
   * once the history holds at least {@code minSamples} values.
   */
  public record AboveBaseline(Duration window, double factor, int minSamples) implements Condition {
    @Override
    public String describe() {
      return "above " + Format.number(factor) + " x its " + Format.duration(window) + " baseline";
    }
  }
}
