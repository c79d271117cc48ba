package io.cxexporter.kpi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Every gauge value computed at one instant: immutable, swapped atomically, read by scrapes, the
 * status page and alert rules.
 *
 * @param at when it was computed
 * @param series the values, grouped by name in a stable order
 * @param tagSeries the per-{@code tag} values ({@code kpi.tags}): exported beside {@link #series}
 *     in the same families, but kept apart because they are not additive (a ticket with two tags
 *     counts in both), so {@link #value} and {@link #find}, which the status page and the alerting
 *     agent sum over, never see them
 */
public record KpiSnapshot(Instant at, List<KpiSeries> series, List<KpiSeries> tagSeries) {
  /** The snapshot before the first computation. */
  public static final KpiSnapshot EMPTY = new KpiSnapshot(Instant.EPOCH, List.of());

  public KpiSnapshot {
    series = List.copyOf(series);
    tagSeries = List.copyOf(tagSeries);
  }

  /** A snapshot without per-tag values. */
  public KpiSnapshot(Instant at, List<KpiSeries> series) {
    this(at, series, List.of());
  }

  /**
   * The value of the series named {@code name} whose labels equal {@code labels} exactly (labels
   * not mentioned must be absent), or NaN.
   */
  public double value(String name, Map<String, String> labels) {
    return series.stream()
        .filter(s -> s.name().equals(name) && s.labelNames().size() == labels.size())
        .filter(matches(labels))
        .mapToDouble(KpiSeries::value)
        .findFirst()
        .orElse(Double.NaN);
  }

  /** Every series named {@code name} carrying at least the given label values. */
  public List<KpiSeries> find(String name, Map<String, String> labels) {
    return series.stream().filter(s -> s.name().equals(name)).filter(matches(labels)).toList();
  }

  private static Predicate<KpiSeries> matches(Map<String, String> labels) {
    return s ->
        labels.entrySet().stream().allMatch(e -> Objects.equals(s.label(e.getKey()), e.getValue()));
  }
}
