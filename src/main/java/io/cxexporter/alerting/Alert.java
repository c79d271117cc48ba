package io.cxexporter.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One alert instance (a rule and one matching KPI series) as notifiers see it: firing or resolved.
 *
 * @param labels {@code alertname}, {@code severity}, the rule's labels and the series' labels
 *     ({@code source}, {@code group}, {@code kpi}, {@code window}, ...), sorted by name
 * @param annotations {@code summary}, {@code description}, {@code value}, {@code threshold} and the
 *     rule's own annotations
 * @param firing true while firing; false once resolved
 * @param startsAt when it started firing
 * @param endsAt when it resolved; null while firing
 * @param value the KPI value at the last evaluation
 * @param condition the condition in words, e.g. {@code "above 200"} or {@code "above 1.5 x baseline
 *     3600 (7d, 42 samples)"}
 * @param tickets the tickets behind it, at most 10, most relevant first
 * @param generatorUrl a link back to the exporter's status page
 */
public record Alert(
    SortedMap<String, String> labels,
    Map<String, String> annotations,
    boolean firing,
    Instant startsAt,
    Instant endsAt,
    double value,
    String condition,
    List<TicketRef> tickets,
    String generatorUrl) {
  public Alert {
    labels = new TreeMap<>(Objects.requireNonNull(labels, "labels"));
    annotations = Map.copyOf(annotations);
    tickets = List.copyOf(tickets);
    Objects.requireNonNull(startsAt, "startsAt");
  }

  /** The rule's name: label {@code alertname}. */
  public String name() {
    return labels.get("alertname");
  }

  /** Label {@code severity} ({@code critical}, {@code warning}, {@code info}). */
  public String severity() {
    return labels.getOrDefault("severity", "warning");
  }

  /**
   * A stable id of this instance (same labels, same id across evaluations and restarts): 16 hex
   * digits of the SHA-256 of the sorted labels.
   */
  public String fingerprint() {
    return Fingerprint.of(labels);
  }
}
